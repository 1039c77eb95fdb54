package match

import "testing"

// TestUnknownCountedThing checks that the thing a "how many" question
// counts is as telling as an unknown name when no source mentions it, in
// either language, and that a "which" question's paraphrased focus is not.
func TestUnknownCountedThing(t *testing.T) {
	ix := articleIndex(t)
	for q, want := range map[string]int{
		"How many kilometers did the caravan travel?":              1,
		"¿Cuántos kilómetros recorrió la caravana?":                1,
		"How many Guatemalans were detained in 2023?":              0,
		"¿Cuántos migrantes fueron detenidos en 2023?":             0,
		"What policy did the former president say he would apply?": 0,
	} {
		if got := ix.parseQuery(q).unknownSpecifics; got != want {
			t.Errorf("%q: %d unknown specifics, want %d", q, got, want)
		}
	}
}
