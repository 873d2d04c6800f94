package mrz

import (
	"github.com/kycd/kycd/internal/fixture"
	"testing"
	"time"
)

// testNow is the date the fixtures are judged against; it only resolves two-digit years.
var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func testdata(t testing.TB, sub string) string { t.Helper(); return fixture.Dir(t, sub) }

func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	return fixture.ReadJSONL[T](t, path)
}
