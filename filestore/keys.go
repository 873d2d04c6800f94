package filestore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gocloud.dev/secrets"
	_ "gocloud.dev/secrets/localsecrets" // base64key:// keeper URLs
)

// ErrUnknownKey means a data key was wrapped by a master key this store does not have: it was
// retired before the ref was re-wrapped, or the key file or KeyURL/OldKeyURLs is not the one the
// data was written with.
var ErrUnknownKey = errors.New("filestore: data key wrapped by an unknown or retired master key")

// ErrRotateInKMS is returned by RotateMasterKey in KMS-URL mode.
var ErrRotateInKMS = errors.New("filestore: master key is a KMS keeper URL: rotate the key in the KMS " +
	"(old versions keep decrypting), or set KeyURL to a new key with the previous URL in OldKeyURLs and run Rewrap on every ref")

// masterKeys wraps and unwraps data keys. Implementations are safe for concurrent use.
type masterKeys interface {
	primaryID() string
	ids() []string
	// wrap encrypts dek under the primary key and returns that key's id.
	wrap(ctx context.Context, dek []byte) (keyID string, wrapped []byte, err error)
	unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error)
	rotate(ctx context.Context) (string, error)
	retire(ctx context.Context, keep []string) ([]string, error)
	close() error
}

// ---- key file mode ----

const (
	keyringFormat = "kycd-master-keys/v1"
	masterKeySize = 32
	maxKeyringLen = 1 << 20
	wrapAADPrefix = "kycd/v1/dek/"
)

// keyringFile is the JSON layout of the key file.
type keyringFile struct {
	Format  string       `json:"format"`
	Primary string       `json:"primary"`
	Keys    []keyringKey `json:"keys"`
}

type keyringKey struct {
	ID      string    `json:"id"`
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	Key     string    `json:"key"` // standard base64 of 32 random bytes
}

// keyring is the parsed key file: AES-256-GCM ciphers by key id.
type keyring struct {
	file    keyringFile
	ciphers map[string]cipher.AEAD
}

// parseKeyring validates a key file's contents. It is the parser of outside input in this package
// (the file may have been edited or restored by hand), so every field is checked.
func parseKeyring(data []byte) (*keyring, error) {
	if len(data) > maxKeyringLen {
		return nil, errors.New("key file is too large")
	}
	var f keyringFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, errors.New("key file is not valid JSON")
	}
	if f.Format != keyringFormat {
		return nil, fmt.Errorf("key file format is %q, want %q", f.Format, keyringFormat)
	}
	if len(f.Keys) == 0 {
		return nil, errors.New("key file holds no keys")
	}
	kr := &keyring{file: f, ciphers: make(map[string]cipher.AEAD, len(f.Keys))}
	for _, k := range f.Keys {
		if !validKeyID(k.ID) || strings.HasPrefix(k.ID, "url:") {
			return nil, fmt.Errorf("key file has an invalid key id %q", k.ID)
		}
		if _, dup := kr.ciphers[k.ID]; dup {
			return nil, fmt.Errorf("key file has key id %q twice", k.ID)
		}
		raw, err := base64.StdEncoding.DecodeString(k.Key)
		if err != nil || len(raw) != masterKeySize {
			return nil, fmt.Errorf("key %q is not %d bytes of base64", k.ID, masterKeySize)
		}
		aead, err := newGCM(raw)
		clear(raw)
		if err != nil {
			return nil, err
		}
		kr.ciphers[k.ID] = aead
	}
	if _, ok := kr.ciphers[f.Primary]; !ok {
		return nil, fmt.Errorf("key file's primary %q is not among its keys", f.Primary)
	}
	return kr, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// addKey appends a fresh random key and makes it primary.
func (f *keyringFile) addKey(now time.Time) (string, error) {
	version := 0
	for _, k := range f.Keys {
		version = max(version, k.Version)
	}
	version++
	var raw [masterKeySize]byte
	var tag [4]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	if _, err := rand.Read(tag[:]); err != nil {
		return "", err
	}
	id := "k" + strconv.Itoa(version) + "-" + hex.EncodeToString(tag[:])
	f.Keys = append(f.Keys, keyringKey{ID: id, Version: version, Created: now.UTC().Truncate(time.Second), Key: base64.StdEncoding.EncodeToString(raw[:])})
	clear(raw[:])
	f.Primary = id
	return id, nil
}

// fileKeys is the key-file mode. It re-reads the file when another process replaced it, so a
// server keeps wrapping with the current primary after `kycd keys rotate`.
type fileKeys struct {
	path string

	mu   sync.RWMutex
	kr   *keyring
	stat os.FileInfo // of the file kr was read from
}

func openKeyring(path string) (*fileKeys, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("filestore: key file path: %w", err)
	}
	k := &fileKeys{path: path}
	if err := k.load(); err == nil {
		return k, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := createKeyring(path); err != nil {
		return nil, err
	}
	if err := k.load(); err != nil {
		return nil, err
	}
	return k, nil
}

// createKeyring writes a new keyring with one key, unless a file appeared meanwhile (another
// process starting at the same time): the hard link fails then and that file is used.
func createKeyring(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("filestore: create key file folder: %w", err)
	}
	var f keyringFile
	f.Format = keyringFormat
	if _, err := f.addKey(time.Now()); err != nil {
		return fmt.Errorf("filestore: new master key: %w", err)
	}
	tmp, err := writeTemp(path, f)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("filestore: create key file: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// load reads and checks the key file. The caller holds k.mu for writing, or is the constructor.
func (k *fileKeys) load() error {
	f, err := os.Open(k.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return fmt.Errorf("filestore: open key file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("filestore: key file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("filestore: key file %s is not a regular file", k.path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("filestore: key file %s has mode %04o: it must not be readable or writable by group or others (chmod 600 it)", k.path, st.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyringLen+1))
	if err != nil {
		return fmt.Errorf("filestore: read key file: %w", err)
	}
	kr, err := parseKeyring(data)
	clear(data)
	if err != nil {
		return fmt.Errorf("filestore: key file %s: %w", k.path, err)
	}
	k.kr, k.stat = kr, st
	return nil
}

// fresh returns the keyring, reloading it first when the file on disk was replaced.
func (k *fileKeys) fresh() (*keyring, error) {
	st, err := os.Stat(k.path)
	if err != nil {
		return nil, fmt.Errorf("filestore: key file: %w", err)
	}
	k.mu.RLock()
	kr, same := k.kr, os.SameFile(st, k.stat) && st.ModTime().Equal(k.stat.ModTime()) && st.Size() == k.stat.Size()
	k.mu.RUnlock()
	if same {
		return kr, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.load(); err != nil {
		return nil, err
	}
	return k.kr, nil
}

func (k *fileKeys) primaryID() string {
	if kr, err := k.fresh(); err == nil {
		return kr.file.Primary
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.kr.file.Primary
}

func (k *fileKeys) ids() []string {
	kr, err := k.fresh()
	if err != nil {
		k.mu.RLock()
		kr = k.kr
		k.mu.RUnlock()
	}
	out := []string{kr.file.Primary}
	for _, key := range kr.file.Keys {
		if key.ID != kr.file.Primary {
			out = append(out, key.ID)
		}
	}
	return out
}

func (k *fileKeys) wrap(_ context.Context, dek []byte) (string, []byte, error) {
	kr, err := k.fresh()
	if err != nil {
		return "", nil, err
	}
	id := kr.file.Primary
	aead := kr.ciphers[id]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(dek)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, err
	}
	return id, aead.Seal(nonce, nonce, dek, []byte(wrapAADPrefix+id)), nil
}

func (k *fileKeys) unwrap(_ context.Context, keyID string, wrapped []byte) ([]byte, error) {
	// fresh, not the cached keyring: a key retired by another process must stop working here too.
	kr, err := k.fresh()
	if err != nil {
		return nil, err
	}
	aead := kr.ciphers[keyID]
	if aead == nil {
		return nil, fmt.Errorf("%w (key id %q)", ErrUnknownKey, keyID)
	}
	if len(wrapped) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("wrapped data key is too short")
	}
	n := aead.NonceSize()
	dek, err := aead.Open(nil, wrapped[:n], wrapped[n:], []byte(wrapAADPrefix+keyID))
	if err != nil {
		return nil, errors.New("wrapped data key does not open under its master key")
	}
	return dek, nil
}

func (k *fileKeys) rotate(context.Context) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.load(); err != nil {
		return "", err
	}
	f := k.kr.file
	f.Keys = slices.Clone(f.Keys)
	id, err := f.addKey(time.Now())
	if err != nil {
		return "", fmt.Errorf("filestore: new master key: %w", err)
	}
	if err := k.replace(f); err != nil {
		return "", err
	}
	return id, nil
}

func (k *fileKeys) retire(_ context.Context, keep []string) ([]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.load(); err != nil {
		return nil, err
	}
	f := k.kr.file
	var kept []keyringKey
	var retired []string
	for _, key := range f.Keys {
		if key.ID == f.Primary || slices.Contains(keep, key.ID) {
			kept = append(kept, key)
		} else {
			retired = append(retired, key.ID)
		}
	}
	if len(retired) == 0 {
		return nil, nil
	}
	f.Keys = kept
	if err := k.replace(f); err != nil {
		return nil, err
	}
	return retired, nil
}

// replace writes f atomically over the key file and reloads it. The caller holds k.mu.
func (k *fileKeys) replace(f keyringFile) error {
	tmp, err := writeTemp(k.path, f)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, k.path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("filestore: replace key file: %w", err)
	}
	if err := syncDir(filepath.Dir(k.path)); err != nil {
		return err
	}
	return k.load()
}

// writeTemp writes f to a new 0600 file next to path, synced to disk, and returns its name.
func writeTemp(path string, f keyringFile) (string, error) {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", fmt.Errorf("filestore: encode key file: %w", err)
	}
	defer clear(data)
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("filestore: write key file: %w", err)
	}
	name := tmp.Name()
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(append(data, '\n'))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
		return "", fmt.Errorf("filestore: write key file: %w", err)
	}
	return name, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("filestore: sync key file folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("filestore: sync key file folder: %w", err)
	}
	return nil
}

func (k *fileKeys) close() error { return nil }

// ---- KMS URL mode ----

// urlKeys wraps data keys with gocloud.dev/secrets keepers: the primary one, plus old ones that
// only unwrap.
type urlKeys struct {
	primary string

	mu      sync.RWMutex
	keepers map[string]*secrets.Keeper
	order   []string // primary first
}

func openKeepers(ctx context.Context, primary string, old []string) (_ *urlKeys, err error) {
	k := &urlKeys{keepers: map[string]*secrets.Keeper{}}
	defer func() {
		if err != nil {
			_ = k.close()
		}
	}()
	for i, raw := range append([]string{primary}, old...) {
		id, u, err := parseKeyURL(raw)
		if err != nil {
			return nil, err
		}
		if _, dup := k.keepers[id]; dup {
			return nil, fmt.Errorf("filestore: key URL %s is listed twice", maskKeyURL(raw))
		}
		keeper, err := secrets.DefaultURLMux().OpenKeeperURL(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("filestore: open keeper %s: %w", id, err)
		}
		if i == 0 {
			k.primary = id
		}
		k.keepers[id] = keeper
		k.order = append(k.order, id)
	}
	return k, nil
}

// parseKeyURL checks a keeper URL without ever putting it in an error (it may hold key material)
// and returns its key id.
func parseKeyURL(raw string) (string, *url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "", nil, errors.New("filestore: a key URL is not a valid URL with a scheme")
	}
	if !secrets.DefaultURLMux().ValidKeeperScheme(u.Scheme) {
		return "", nil, fmt.Errorf("filestore: key URL scheme %q is not linked into this build (see the filestore package doc)", u.Scheme)
	}
	if u.Scheme == "base64key" && u.Host == "" {
		// localsecrets would make up a random key that dies with the process.
		return "", nil, errors.New("filestore: base64key:// URL needs a key (32 bytes, URL-safe base64)")
	}
	return keyURLID(u), u, nil
}

// keyURLID is "url:" + 16 hex digits of a SHA-256 over the URL without user info or fragment and
// with sorted query: stable for one key, different across keys, and one-way.
func keyURLID(u *url.URL) string {
	n := *u
	n.User = nil
	n.Fragment = ""
	n.RawFragment = ""
	n.RawQuery = n.Query().Encode()
	sum := sha256.Sum256([]byte("kycd/v1/keeper-url\x00" + n.String()))
	return "url:" + hex.EncodeToString(sum[:8])
}

// maskKeyURL shows a keeper URL as its scheme and id only.
func maskKeyURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://(" + keyURLID(u) + ")"
}

func (k *urlKeys) primaryID() string { return k.primary }

func (k *urlKeys) ids() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Clone(k.order)
}

func (k *urlKeys) keeper(id string) *secrets.Keeper {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keepers[id]
}

func (k *urlKeys) wrap(ctx context.Context, dek []byte) (string, []byte, error) {
	wrapped, err := k.keeper(k.primary).Encrypt(ctx, dek)
	if err != nil {
		return "", nil, fmt.Errorf("filestore: keeper %s encrypt: %w", k.primary, err)
	}
	return k.primary, wrapped, nil
}

func (k *urlKeys) unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error) {
	keeper := k.keeper(keyID)
	if keeper == nil {
		return nil, fmt.Errorf("%w (key id %q)", ErrUnknownKey, keyID)
	}
	dek, err := keeper.Decrypt(ctx, wrapped)
	if err != nil {
		return nil, fmt.Errorf("filestore: keeper %s decrypt: %w", keyID, err)
	}
	return dek, nil
}

func (k *urlKeys) rotate(context.Context) (string, error) { return "", ErrRotateInKMS }

func (k *urlKeys) retire(_ context.Context, keep []string) ([]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var retired []string
	order := []string{k.primary}
	for _, id := range k.order[1:] {
		if slices.Contains(keep, id) {
			order = append(order, id)
			continue
		}
		retired = append(retired, id)
		_ = k.keepers[id].Close()
		delete(k.keepers, id)
	}
	k.order = order
	return retired, nil
}

func (k *urlKeys) close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	var errs []error
	for _, keeper := range k.keepers {
		errs = append(errs, keeper.Close())
	}
	k.keepers = map[string]*secrets.Keeper{}
	return errors.Join(errs...)
}

// validKeyID reports whether id can name a master key: 1-64 of [A-Za-z0-9_:-]. It keeps ids free of
// the "." that separates the parts of a sealed secret.
func validKeyID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == ':') {
			return false
		}
	}
	return true
}
