// Package filestore keeps applicant files (document photos, selfies, proofs of address) encrypted
// at rest, implementing kyc.FileStore on any gocloud.dev/blob bucket: a local folder (fileblob) or
// S3-compatible object storage (s3blob).
//
// # Envelope encryption
//
// Every file gets its own fresh random 32-byte data key (DEK). The file is encrypted with Tink's
// streaming AEAD (AES-256-GCM-HKDF, 4 KiB segments) under that DEK, with the associated data
// "kycd/v1/<applicantID>/<fileID>": a blob copied or moved to another applicant or file record
// fails to decrypt, and so does a truncated, reordered or altered one. Only ciphertext reaches the
// bucket, under the object key "applicants/<applicantID>/<fileID>".
//
// The DEK itself is never stored in the clear: it is wrapped (encrypted) by a master key and the
// result goes into kyc.BlobRef.WrappedKey (base64), next to kyc.BlobRef.KeyID, the id of the master
// key that wrapped it. The caller keeps the BlobRef in its database. Losing the master key loses
// every file; destroying a BlobRef (or the master keys that wrapped it) makes its blob unreadable.
//
// # Master keys
//
// There are two modes, chosen by Config:
//
//   - Key file (Config.KeyFile, the default): a JSON keyring holding versioned random AES-256 keys
//     and the id of the primary one. It is created on first use with mode 0600 and refused when
//     its mode lets group or others in. Every write goes to a temporary file that is renamed over
//     the old one, so a crash never leaves half a keyring. DEKs are wrapped with AES-256-GCM under
//     the primary key (associated data names the key id); KeyID is the key's id, e.g. "k2-1f0c9a3b".
//     A running server notices when another process (kycd keys rotate) replaces the file and
//     reloads it before wrapping the next data key.
//   - KMS URL (Config.KeyURL): any gocloud.dev/secrets keeper URL. This package links only the
//     localsecrets driver ("base64key://<32 bytes, URL-safe base64>"), which builds offline. To use
//     a real KMS, the operator's build adds one blank import in cmd/kycd, e.g.
//     `import _ "gocloud.dev/secrets/awskms"` (awskms://), `gocloud.dev/secrets/gcpkms` (gcpkms://),
//     `gocloud.dev/secrets/azurekeyvault` (azurekeyvault://) or the separate module
//     `gocloud.dev/secrets/hashivault` (hashivault://), after `go get` of the driver's modules.
//     KeyID is "url:" plus a one-way hash of the URL (user info dropped, query sorted), so ids are
//     stable and never reveal key material.
//
// # Rotation
//
// Rotation never re-encrypts files: only data keys are re-wrapped.
//
//  1. Store.RotateMasterKey adds a new key to the keyring and makes it primary (key-file mode).
//     New files use it at once; old keys stay in the keyring to unwrap older data keys. In URL mode
//     rotation happens in the KMS itself (most KMSs keep old key versions able to decrypt), or the
//     operator points KeyURL at a new key and lists the previous URL in Config.OldKeyURLs.
//  2. Store.Rewrap is called for every stored BlobRef (and Store.ResealSecret for every sealed
//     secret): it unwraps the DEK with the key named by the ref and wraps it with the primary; the
//     blob is untouched. It is a no-op for refs already under the primary.
//  3. Store.RetireKeys, given the key ids still referenced by the database, deletes every other
//     non-primary key from the keyring (key-file mode) or forgets old keepers (URL mode; the
//     operator then removes them from OldKeyURLs). A ref still wrapped by a retired key fails with
//     ErrUnknownKey: compute the ids to keep from the database right before retiring, and run one
//     rotation at a time.
//
// # Small secrets
//
// Store.Seal and Store.Unseal protect small values kept in the database (webhook signing secrets)
// the same way: a fresh DEK encrypts the value with AES-256-GCM and the caller's associated data,
// and the DEK is wrapped by the primary master key. The sealed string names the key id, so
// Store.ResealSecret moves it to a new primary key like Rewrap does for files.
//
// Nothing here logs file contents, keys or key URLs; errors carry safe messages for the client
// (kyc.Error) and internal causes for the log.
package filestore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/tink-crypto/tink-go/v2/streamingaead/subtle"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // s3:// bucket URLs
	"gocloud.dev/gcerrors"

	"github.com/kycd/kycd/kyc"
)

var _ kyc.FileStore = (*Store)(nil)

// Stream AEAD parameters. They are part of the stored format ("kycd/v1"): changing them makes
// existing blobs unreadable, so a change needs a new format version.
const (
	dekSize     = 32
	hkdfHash    = "SHA256"
	segmentSize = 4096
	aadPrefix   = "kycd/v1/"
	objectDir   = "applicants/"
	maxIDLength = 128
)

// Config says where blobs go and which master key protects them. Exactly one of KeyFile and KeyURL
// is set.
type Config struct {
	// BlobURL is a gocloud.dev/blob URL: "file:///abs/path/files" (the folder is created with mode
	// 0700) or "s3://bucket?region=us-east-1&endpoint=http://127.0.0.1:9000&use_path_style=true"
	// for S3-compatible storage (credentials from the usual AWS environment variables or files).
	// A plain absolute path is taken as a local folder.
	BlobURL string
	// KeyFile is the path of the keyring file (e.g. "<data-dir>/master.keys"), created on first use.
	KeyFile string
	// KeyURL is a gocloud.dev/secrets keeper URL (base64key://, awskms://, gcpkms://, ...). It may
	// hold key material (base64key://): never print it; Config.String masks it.
	KeyURL string
	// OldKeyURLs are keeper URLs that wrapped data keys before KeyURL did. They are used only to
	// unwrap, so Rewrap can move those data keys to KeyURL.
	OldKeyURLs []string
}

// DefaultConfig is the single-machine layout: files under <dataDir>/files, keyring in
// <dataDir>/master.keys.
func DefaultConfig(dataDir string) Config {
	return Config{
		BlobURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dataDir, "files"))}).String(),
		KeyFile: filepath.Join(dataDir, "master.keys"),
	}
}

// String prints the configuration with key URLs reduced to their scheme and key id, so it can be
// logged at start-up.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "blob=%s", redactURL(c.BlobURL))
	if c.KeyFile != "" {
		fmt.Fprintf(&b, " key_file=%s", c.KeyFile)
	}
	if c.KeyURL != "" {
		fmt.Fprintf(&b, " key_url=%s", maskKeyURL(c.KeyURL))
	}
	for _, u := range c.OldKeyURLs {
		fmt.Fprintf(&b, " old_key_url=%s", maskKeyURL(u))
	}
	return b.String()
}

// Store is kycd's encrypted file store. It is safe for concurrent use.
type Store struct {
	bucket *blob.Bucket
	keys   masterKeys
}

// Open validates cfg, opens the bucket and loads (or creates) the master keys.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if (cfg.KeyFile == "") == (cfg.KeyURL == "") {
		return nil, errors.New("filestore: set exactly one of KeyFile and KeyURL")
	}
	if cfg.KeyFile != "" && len(cfg.OldKeyURLs) > 0 {
		return nil, errors.New("filestore: OldKeyURLs needs KeyURL")
	}
	var keys masterKeys
	var err error
	if cfg.KeyFile != "" {
		keys, err = openKeyring(cfg.KeyFile)
	} else {
		keys, err = openKeepers(ctx, cfg.KeyURL, cfg.OldKeyURLs)
	}
	if err != nil {
		return nil, err
	}
	bucket, err := openBucket(ctx, cfg.BlobURL)
	if err != nil {
		_ = keys.close()
		return nil, err
	}
	return &Store{bucket: bucket, keys: keys}, nil
}

// openBucket opens file:// URLs (and plain paths) directly so the folder gets mode 0700, temporary
// files stay inside it and no metadata sidecars are written; other schemes go to the blob URL mux.
func openBucket(ctx context.Context, raw string) (*blob.Bucket, error) {
	if raw == "" {
		return nil, errors.New("filestore: BlobURL is empty")
	}
	dir := ""
	if filepath.IsAbs(raw) {
		dir = raw
	} else {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, errors.New("filestore: BlobURL is not a valid URL")
		}
		switch u.Scheme {
		case "":
			return nil, errors.New("filestore: BlobURL needs a scheme (file:// or s3://) or an absolute path")
		case fileblob.Scheme:
			if u.Host != "" && u.Host != "localhost" {
				return nil, errors.New("filestore: file:// BlobURL must have an absolute path (file:///path)")
			}
			if u.RawQuery != "" {
				return nil, errors.New("filestore: file:// BlobURL takes no query parameters")
			}
			dir = filepath.FromSlash(u.Path)
		default:
			b, err := blob.OpenBucket(ctx, raw)
			if err != nil {
				return nil, fmt.Errorf("filestore: open bucket %s: %w", redactURL(raw), err)
			}
			return b, nil
		}
	}
	if !filepath.IsAbs(dir) {
		return nil, errors.New("filestore: file:// BlobURL must have an absolute path")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("filestore: create blob folder: %w", err)
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{
		DirFileMode: 0o700,
		NoTempDir:   true,
		Metadata:    fileblob.MetadataDontWrite,
	})
	if err != nil {
		return nil, fmt.Errorf("filestore: open blob folder: %w", err)
	}
	return b, nil
}

// Close releases the bucket and the key keepers.
func (s *Store) Close() error {
	return errors.Join(s.bucket.Close(), s.keys.close())
}

// PrimaryKeyID names the master key that wraps new data keys; refs with another KeyID need Rewrap.
func (s *Store) PrimaryKeyID() string { return s.keys.primaryID() }

// KeyIDs lists the master keys this store can unwrap with, primary first, so `kycd keys` can show
// which are still in use.
func (s *Store) KeyIDs() []string { return s.keys.ids() }

// Put encrypts data under a fresh data key bound to applicantID and fileID and stores it. A file
// id is written once: putting the same ids again fails with a KindConflict error (on backends
// that support conditional writes) rather than destroying the file an existing ref points to.
func (s *Store) Put(ctx context.Context, applicantID, fileID string, data []byte) (kyc.BlobRef, error) {
	key, err := objectKey(applicantID, fileID)
	if err != nil {
		return kyc.BlobRef{}, err
	}
	dek := make([]byte, dekSize)
	if _, err := rand.Read(dek); err != nil {
		return kyc.BlobRef{}, internal("could not store the file", err)
	}
	defer clear(dek)
	keyID, wrapped, err := s.keys.wrap(ctx, dek)
	if err != nil {
		return kyc.BlobRef{}, internal("could not store the file", err)
	}
	sa, err := subtle.NewAESGCMHKDF(dek, hkdfHash, dekSize, segmentSize, 0)
	if err != nil {
		return kyc.BlobRef{}, internal("could not store the file", err)
	}

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, key, &blob.WriterOptions{
		ContentType:                 "application/octet-stream",
		DisableContentTypeDetection: true,
		IfNotExist:                  true,
		BeforeWrite:                 privateFile,
	})
	if err != nil {
		return kyc.BlobRef{}, internal("could not store the file", err)
	}
	if err := encryptTo(w, sa, associatedData(applicantID, fileID), data); err != nil {
		cancel() // abort the upload: nothing partial is left under key
		_ = w.Close()
		return kyc.BlobRef{}, internal("could not store the file", err)
	}
	if err := w.Close(); err != nil {
		if gcerrors.Code(err) == gcerrors.FailedPrecondition {
			return kyc.BlobRef{}, &kyc.Error{Kind: kyc.KindConflict, Message: "file already stored", Err: err}
		}
		return kyc.BlobRef{}, internal("could not store the file", err)
	}
	return kyc.BlobRef{Key: key, WrappedKey: base64.StdEncoding.EncodeToString(wrapped), KeyID: keyID}, nil
}

// privateFile makes fileblob's files 0600 (it creates them 0666 less umask). The folder is 0700
// already; this keeps blobs private if someone loosens it. Other backends have no *os.File.
func privateFile(as func(any) bool) error {
	var f *os.File
	if as(&f) {
		return f.Chmod(0o600)
	}
	return nil
}

func encryptTo(w io.Writer, sa *subtle.AESGCMHKDF, aad, data []byte) error {
	ew, err := sa.NewEncryptingWriter(w, aad)
	if err != nil {
		return err
	}
	if _, err := ew.Write(data); err != nil {
		return err
	}
	return ew.Close()
}

// Get reads and decrypts the file ref points to. It fails (KindInternal) when the blob was altered
// or does not belong to applicantID/fileID, and returns kyc.NotFound("file") when it is gone.
func (s *Store) Get(ctx context.Context, applicantID, fileID string, ref kyc.BlobRef) ([]byte, error) {
	if _, err := objectKey(applicantID, fileID); err != nil {
		return nil, err
	}
	if err := checkObjectKey(ref.Key); err != nil {
		return nil, err
	}
	dek, err := s.unwrapRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer clear(dek)
	sa, err := subtle.NewAESGCMHKDF(dek, hkdfHash, dekSize, segmentSize, 0)
	if err != nil {
		return nil, internal("could not read the file", err)
	}
	r, err := s.bucket.NewReader(ctx, ref.Key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, kyc.NotFound("file")
		}
		return nil, internal("could not read the file", err)
	}
	defer r.Close()
	dr, err := sa.NewDecryptingReader(r, associatedData(applicantID, fileID))
	if err != nil {
		return nil, internal("stored file could not be decrypted", err)
	}
	// The ciphertext is slightly larger than the plaintext, so this never grows.
	buf := bytes.NewBuffer(make([]byte, 0, max(r.Size(), 0)))
	if _, err := io.Copy(buf, dr); err != nil {
		return nil, internal("stored file could not be decrypted", err)
	}
	return buf.Bytes(), nil
}

// Delete removes the blob. Its data key then protects nothing; the caller should drop the ref too.
// A blob that is already gone gives kyc.NotFound("file"), which erasure jobs can treat as done.
func (s *Store) Delete(ctx context.Context, ref kyc.BlobRef) error {
	if err := checkObjectKey(ref.Key); err != nil {
		return err
	}
	if err := s.bucket.Delete(ctx, ref.Key); err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return kyc.NotFound("file")
		}
		return internal("could not delete the file", err)
	}
	return nil
}

// Rewrap moves ref's data key under the primary master key, leaving the blob untouched. It returns
// ref unchanged when ref is already under the primary; otherwise the caller saves the new ref.
func (s *Store) Rewrap(ctx context.Context, ref kyc.BlobRef) (kyc.BlobRef, error) {
	if ref.KeyID == s.keys.primaryID() {
		return ref, nil
	}
	dek, err := s.unwrapRef(ctx, ref)
	if err != nil {
		return kyc.BlobRef{}, err
	}
	defer clear(dek)
	keyID, wrapped, err := s.keys.wrap(ctx, dek)
	if err != nil {
		return kyc.BlobRef{}, internal("could not re-wrap the file key", err)
	}
	ref.KeyID = keyID
	ref.WrappedKey = base64.StdEncoding.EncodeToString(wrapped)
	return ref, nil
}

// RotateMasterKey adds a new master key and makes it primary, returning its id. Old keys stay until
// RetireKeys. In URL mode it fails: rotate in the KMS, or change KeyURL and list the old URL in
// OldKeyURLs, then Rewrap.
func (s *Store) RotateMasterKey(ctx context.Context) (newKeyID string, err error) {
	return s.keys.rotate(ctx)
}

// RetireKeys removes every master key that is neither the primary nor listed in keep (the ids the
// database still references) and returns the removed ids. In key-file mode the keys are deleted
// from the keyring file for good; in URL mode the old keepers are only forgotten by this Store and
// the operator removes their URLs from OldKeyURLs.
func (s *Store) RetireKeys(ctx context.Context, keep []string) (retired []string, err error) {
	return s.keys.retire(ctx, keep)
}

func (s *Store) unwrapRef(ctx context.Context, ref kyc.BlobRef) ([]byte, error) {
	wrapped, err := base64.StdEncoding.DecodeString(ref.WrappedKey)
	if err != nil || len(wrapped) == 0 {
		return nil, internal("stored file key is damaged", errors.New("wrapped key is not base64"))
	}
	dek, err := s.keys.unwrap(ctx, ref.KeyID, wrapped)
	if err != nil {
		return nil, internal("stored file key could not be unwrapped", err)
	}
	if len(dek) != dekSize {
		clear(dek)
		return nil, internal("stored file key is damaged", fmt.Errorf("data key has %d bytes", len(dek)))
	}
	return dek, nil
}

// associatedData binds a blob to its record: decrypting it under other ids fails.
func associatedData(applicantID, fileID string) []byte {
	return []byte(aadPrefix + applicantID + "/" + fileID)
}

func objectKey(applicantID, fileID string) (string, error) {
	if !validID(applicantID) {
		return "", kyc.Invalid("applicant_id", "applicant id must be 1-%d characters of A-Z, a-z, 0-9, _ and -", maxIDLength)
	}
	if !validID(fileID) {
		return "", kyc.Invalid("file_id", "file id must be 1-%d characters of A-Z, a-z, 0-9, _ and -", maxIDLength)
	}
	return objectDir + applicantID + "/" + fileID, nil
}

// checkObjectKey accepts only keys this package writes, so a forged ref cannot reach other objects.
func checkObjectKey(key string) error {
	rest, ok := strings.CutPrefix(key, objectDir)
	if ok {
		a, f, ok2 := strings.Cut(rest, "/")
		if ok2 && validID(a) && validID(f) {
			return nil
		}
	}
	return kyc.Invalid("key", "not a file store key")
}

// validID reports whether id is a safe path segment: 1-128 of [A-Za-z0-9_-].
func validID(id string) bool {
	if id == "" || len(id) > maxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func internal(msg string, err error) error {
	return &kyc.Error{Kind: kyc.KindInternal, Message: msg, Err: err}
}

// redactURL drops user info from a URL for printing.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	if u.User != nil {
		u.User = url.User("xxx")
	}
	return u.String()
}
