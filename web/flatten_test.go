package web

import (
	"reflect"
	"testing"
)

func TestFlattenDetail(t *testing.T) {
	got := flatten(map[string]any{
		"threshold": 0.85,
		"scores":    map[string]any{"name": 0.343, "date_of_birth": 0.0},
		"seen":      []any{"blink", "turn_left"},
	})
	want := []kv{{"scores.date_of_birth", "0"}, {"scores.name", "0.343"}, {"seen", "blink, turn_left"}, {"threshold", "0.85"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("flatten = %v, want %v", got, want)
	}
}
