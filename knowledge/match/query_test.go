package match

import "testing"

// TestUnknownSpecifics checks what counts as a name, or a thing, no
// source mentions: the thing a "how many" question counts, in either
// language, but not a "which" question's paraphrased focus; and a Spanish
// word translating to an English name (a nationality, in lower case in
// Spanish), as a capitalised English one does, unless the sources have it.
func TestUnknownSpecifics(t *testing.T) {
	ix := articleIndex(t)
	for q, want := range map[string]int{
		"¿Cuántos salvadoreños fueron detenidos en la frontera en 2023?":  1,
		"¿Cuántos guatemaltecos fueron detenidos en la frontera en 2023?": 0,
		"How many Salvadorans were detained at the border in 2023?":       1,
		"How many kilometers did the caravan travel?":                     1,
		"¿Cuántos kilómetros recorrió la caravana?":                       1,
		"How many Guatemalans were detained in 2023?":                     0,
		"¿Cuántos migrantes fueron detenidos en 2023?":                    0,
		"What policy did the former president say he would apply?":        0,
	} {
		if got := ix.parseQuery(q).unknownSpecifics; got != want {
			t.Errorf("%q: %d unknown specifics, want %d", q, got, want)
		}
	}
}
