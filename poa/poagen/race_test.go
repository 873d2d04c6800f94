//go:build race

package poagen

// raceEnabled: the race detector makes the pixel loops of photos and scans some twenty times
// slower, so the tests render fewer of them.
const raceEnabled = true
