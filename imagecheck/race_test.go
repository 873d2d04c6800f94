//go:build race

package imagecheck

// raceEnabled says the tests run under the race detector, which slows the pixel loops of the
// corpus renderer about tenfold: the corpus tests then take a smaller sample.
const raceEnabled = true
