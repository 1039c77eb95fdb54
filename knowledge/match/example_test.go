package match_test

import (
	"context"
	"fmt"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// Answering from the embedded article: load the sources, index them, ask.
// Each fact carries its citation back to the paragraph it came from.
func ExampleIndex_Answer() {
	corpus, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		panic(err)
	}
	ix := match.NewIndex(corpus)

	ans, err := ix.Answer(context.Background(), "Where did the foreign ministers meet?", knowledge.Options{Top: 1})
	if err != nil {
		panic(err)
	}
	f := ans.Facts[0]
	fmt.Println(f.Text)
	fmt.Printf("%s, %s, paragraph %d\n", f.Citation.Title, f.Citation.Date, f.Citation.Paragraph)
	// Output:
	// The agreement took place in Washington, at a meeting of foreign ministers, in which measures to stop irregular migration were analyzed, one of the main issues of this year's US elections, in which President Joe Biden and former president Donald Trump They seek re-election.
	// Trilateral migration 2024-02-28, 2024-02-28, paragraph 1
}

// A question the sources do not answer gets no facts, only suggestions.
func ExampleIndex_Answer_abstain() {
	corpus, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		panic(err)
	}
	ix := match.NewIndex(corpus)
	ans, _ := ix.Answer(context.Background(), "Who wrote Hamlet?", knowledge.Options{})
	fmt.Println(ans.Answered, len(ans.Facts), len(ans.Suggestions) > 0)
	// Output: false 0 true
}
