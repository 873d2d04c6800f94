// Package imagecheck holds kycd's checks on uploaded image files and on the photo of a document:
// file-level checks (format from content, size, dimensions before decoding, corruption, EXIF
// orientation), document localisation (outline, corners, share of the frame, rectification) and
// the quality measures that name why a photo cannot be read (blur, glare, darkness, over-exposure,
// shadow, covered data, black-and-white copy, low resolution).
//
// Everything here is a plain function of its inputs: bytes or an image in, measurements and
// kyc.Findings out. There is no database, no HTTP and no global state, so a check can be tested
// and evaluated on a file from disk, and the pipeline (service or `kycd check`) composes them.
package imagecheck
