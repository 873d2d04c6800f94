//go:build !race

package imagecheck

// raceEnabled says the tests run under the race detector (see race_test.go).
const raceEnabled = false
