package outage

import (
	"testing"
	"time"
)

// TestTracker walks one outage: the first failure begins it, later ones
// do not; callers are held off for the retry delay after each failure;
// the first recovery ends it, later ones do not.
func TestTracker(t *testing.T) {
	now := time.Unix(0, 0)
	tr := New(time.Second, func() time.Time { return now })
	if !tr.Usable() || tr.Down() {
		t.Fatal("a new tracker is not up")
	}
	if !tr.Failed() {
		t.Error("the first failure did not begin an outage")
	}
	if tr.Usable() || !tr.Down() {
		t.Error("usable, or not down, right after a failure")
	}
	now = now.Add(time.Second)
	if !tr.Usable() {
		t.Error("not usable once the retry delay passed")
	}
	if tr.Failed() {
		t.Error("a second failure began another outage")
	}
	if tr.Usable() {
		t.Error("usable right after the second failure")
	}
	if !tr.Recovered() {
		t.Error("the first recovery did not end the outage")
	}
	if tr.Recovered() || !tr.Usable() || tr.Down() {
		t.Error("a second recovery ended an outage, or the service is not up")
	}
}
