// Package synth renders kycd's labelled corpus of synthetic document photos: invented people on
// passport data pages, ID cards with an MRZ and Chinese-resident-ID-style cards, photographed on
// phone-like backgrounds with varied framing, perspective, lighting, noise, camera blur and JPEG
// quality, and degraded on purpose (blur, glare, darkness, over-exposure, shadow, cut-off corner,
// tiny document, finger over the data, black-and-white copy, low resolution, several documents,
// no document) at severities that must fail and borderline ones that must pass.
//
// Every sample is a pure function of its Spec (seed included), so a corpus is reproducible and a
// held-out split is just another seed range. Nothing here reads the network; fonts come from the
// Debian packages when installed (fonts-dejavu-core, fonts-noto-cjk) and fall back to the Go fonts
// embedded in golang.org/x/image, and portraits from ../shared/testdata when present, with a drawn
// placeholder otherwise. The people are invented: no name, number or date here belongs to anyone.
package synth
