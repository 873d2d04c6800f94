-- What identifies a person across applicants, to find the same document or face on another one
-- (DUPLICATE_DOCUMENT, DUPLICATE_FACE): a keyed hash of a document's issuing country and number
-- (never the number itself), or a face embedding (base64 of little-endian float32) keyed by the
-- model version that made it. One mark per applicant, kind and key; a newer one replaces it.

-- +goose Up
CREATE TABLE identity_marks (
    applicant_id  TEXT NOT NULL REFERENCES applicants (id),
    kind          TEXT NOT NULL,
    mark_key      TEXT NOT NULL,
    vector        TEXT NOT NULL DEFAULT '',
    submission_id TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, kind, mark_key)
);
CREATE INDEX identity_marks_by_key ON identity_marks (kind, mark_key, applicant_id);

-- +goose Down
DROP TABLE identity_marks;
