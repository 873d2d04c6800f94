package natid

import (
	"github.com/kycd/kycd/internal/fixture"
	"testing"
)

func testdata(t testing.TB, sub string) string { t.Helper(); return fixture.Dir(t, sub) }

func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	return fixture.ReadJSONL[T](t, path)
}
