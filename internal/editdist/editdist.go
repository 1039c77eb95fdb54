package editdist

import "unicode/utf8"

// maxStackWord is the longest ASCII word whose rows fit on the stack.
const maxStackWord = 47

// Distance is the optimal-string-alignment (restricted Damerau–Levenshtein)
// distance between a and b: substitutions, insertions, deletions and
// transpositions of neighbours each cost one. It gives up, returning
// limit+1, once the distance must exceed limit, which keeps it cheap when
// called many times per question. Words are almost always short and ASCII,
// so that case runs on bytes with its rows on the stack; other text is
// compared rune by rune.
func Distance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit*utf8.UTFMax || -d > limit*utf8.UTFMax {
		return limit + 1
	}
	if isASCII(a) && isASCII(b) && len(b) <= maxStackWord {
		var rows [3][maxStackWord + 1]int
		return osa([]byte(a), []byte(b), limit, rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1])
	}
	ra, rb := []rune(a), []rune(b)
	return osa(ra, rb, limit, make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1))
}

// osa computes the optimal-string-alignment distance with three rows of
// scratch the caller provides.
func osa[T byte | rune](a, b []T, limit int, prev2, prev, cur []int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
