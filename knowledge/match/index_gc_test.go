package match

import (
	"runtime/debug"
	"sync"
	"testing"
)

// TestTightGCRestores checks that overlapping builds put the collector's
// target back as it was once the last ends.
func TestTightGCRestores(t *testing.T) {
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			restore := tightGC()
			restore()
		})
	}
	wg.Wait()
	restoreA := tightGC()
	restoreB := tightGC()
	restoreA()
	if got := debug.SetGCPercent(buildGCPercent); got != buildGCPercent {
		t.Errorf("with a build still running the target is %d, want %d", got, buildGCPercent)
	}
	restoreB()
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("after every build the target is %d, want 123", got)
	}
}
