//go:build !race

package poagen

const raceEnabled = false
