package filestore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/kycd/kycd/kyc"
)

// setup opens a store on a fresh folder with the default layout (fileblob + key file).
func setup(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), DefaultConfig(dir))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeDocument is recognisable plaintext: it must never show up in a blob.
func fakeDocument(n int) []byte {
	line := []byte("PASSPORT<<ERIKSSON<<ANNA<MARIA<<<<<<<<<<L898902C36UTO7408122F1204159<<<<<<<<<<<<<<06\n")
	return bytes.Repeat(line, n/len(line)+1)[:n]
}

func wantKind(t *testing.T, err error, kind kyc.ErrorKind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %s", kind)
	}
	if got := kyc.KindOf(err); got != kind {
		t.Fatalf("got kind %s (%v), want %s", got, err, kind)
	}
	var e *kyc.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *kyc.Error", err)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"one byte", 1},
		{"just under a segment", 4000},
		{"segment boundary", 4096 - 16 - 40},
		{"several segments", 3*4096 + 7},
		{"300KiB", 300 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := randomBytes(t, tc.size)
			fileID := "f_" + strings.ReplaceAll(tc.name, " ", "-")
			ref, err := s.Put(ctx, "app-1", fileID, data)
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			if ref.Key != "applicants/app-1/"+fileID || ref.KeyID != s.PrimaryKeyID() || ref.WrappedKey == "" {
				t.Fatalf("unexpected ref %+v", ref)
			}
			got, err := s.Get(ctx, "app-1", fileID, ref)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("round trip changed the data (%d bytes in, %d out)", len(data), len(got))
			}
		})
	}
}

func TestKeyFileAndFolderArePrivate(t *testing.T) {
	t.Parallel()
	s, dir := setup(t)
	if _, err := s.Put(context.Background(), "a1", "f1", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want fs.FileMode
	}{
		{filepath.Join(dir, "master.keys"), 0o600},
		{filepath.Join(dir, "files"), 0o700 | fs.ModeDir},
		{filepath.Join(dir, "files", "applicants"), 0o700 | fs.ModeDir},
		{filepath.Join(dir, "files", "applicants", "a1", "f1"), 0o600},
	} {
		st, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode() & (fs.ModePerm | fs.ModeDir); got != tc.want {
			t.Errorf("%s: mode %v, want %v", tc.path, got, tc.want)
		}
	}
	// No temporary files are left beside the key file.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "master.keys" && e.Name() != "files" {
			t.Errorf("unexpected file %s in data dir", e.Name())
		}
	}
}

func TestRefusesOpenKeyFile(t *testing.T) {
	t.Parallel()
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			s, dir := setup(t)
			_ = s.Close()
			keyFile := filepath.Join(dir, "master.keys")
			if err := os.Chmod(keyFile, mode); err != nil {
				t.Fatal(err)
			}
			_, err := Open(context.Background(), DefaultConfig(dir))
			if err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Fatalf("Open with a %v key file: got %v, want a refusal", mode, err)
			}
		})
	}
}

func TestKeyFileSurvivesReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, dir := setup(t)
	data := fakeDocument(10_000)
	ref, err := s.Put(ctx, "a1", "f1", data)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	s2, err := Open(ctx, DefaultConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.PrimaryKeyID() != ref.KeyID {
		t.Fatalf("reopened store has primary %q, want %q", s2.PrimaryKeyID(), ref.KeyID)
	}
	got, err := s2.Get(ctx, "a1", "f1", ref)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get after reopen: %v", err)
	}
}

func TestBinding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, dir := setup(t)
	data := fakeDocument(20_000)
	ref, err := s.Put(ctx, "alice", "passport-front", data)
	if err != nil {
		t.Fatal(err)
	}
	blobPath := filepath.Join(dir, "files", "applicants", "alice", "passport-front")
	stored, err := os.ReadFile(blobPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, data[:32]) || bytes.Contains(stored, []byte("ERIKSSON")) {
		t.Fatal("the blob on disk contains plaintext")
	}

	// A copy of the blob under another applicant's key.
	other, err := s.Put(ctx, "bob", "passport-front", []byte("bob's file"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "files", "applicants", "bob", "passport-front"), stored, 0o600); err != nil {
		t.Fatal(err)
	}
	moved := ref
	moved.Key = other.Key

	tests := []struct {
		name              string
		applicant, fileID string
		ref               kyc.BlobRef
		mutate            func([]byte) []byte
	}{
		{name: "other applicant id", applicant: "bob", fileID: "passport-front", ref: ref},
		{name: "other file id", applicant: "alice", fileID: "passport-back", ref: ref},
		{name: "blob moved to another record", applicant: "bob", fileID: "passport-front", ref: moved},
		{name: "other record's data key", applicant: "alice", fileID: "passport-front", ref: kyc.BlobRef{Key: ref.Key, WrappedKey: other.WrappedKey, KeyID: other.KeyID}},
		{name: "flipped header byte", applicant: "alice", fileID: "passport-front", ref: ref, mutate: flipAt(5)},
		{name: "flipped first segment byte", applicant: "alice", fileID: "passport-front", ref: ref, mutate: flipAt(100)},
		{name: "flipped middle byte", applicant: "alice", fileID: "passport-front", ref: ref, mutate: flipAt(len(stored) / 2)},
		{name: "flipped last byte", applicant: "alice", fileID: "passport-front", ref: ref, mutate: flipAt(len(stored) - 1)},
		{name: "truncated", applicant: "alice", fileID: "passport-front", ref: ref, mutate: func(b []byte) []byte { return b[:len(b)-4096] }},
		{name: "extended", applicant: "alice", fileID: "passport-front", ref: ref, mutate: func(b []byte) []byte { return append(b, 0) }},
		{name: "empty blob", applicant: "alice", fileID: "passport-front", ref: ref, mutate: func([]byte) []byte { return nil }},
	}
	for _, tc := range tests {
		// Not parallel: the mutating cases rewrite the one blob on disk in turn.
		t.Run(tc.name, func(t *testing.T) {
			if tc.mutate != nil {
				if err := os.WriteFile(blobPath, tc.mutate(bytes.Clone(stored)), 0o600); err != nil {
					t.Fatal(err)
				}
				defer func() { _ = os.WriteFile(blobPath, stored, 0o600) }()
			}
			got, err := s.Get(ctx, tc.applicant, tc.fileID, tc.ref)
			wantKind(t, err, kyc.KindInternal)
			if got != nil {
				t.Fatal("Get returned data along with an error")
			}
			if strings.Contains(err.Error(), "ERIKSSON") {
				t.Fatal("error mentions file contents")
			}
		})
	}
	// The untouched original still opens.
	if got, err := s.Get(ctx, "alice", "passport-front", ref); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("original no longer opens: %v", err)
	}
}

func flipAt(i int) func([]byte) []byte {
	return func(b []byte) []byte { b[i] ^= 0x01; return b }
}

func TestDamagedRefs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	ref, err := s.Put(ctx, "a1", "f1", []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	wrapped, _ := base64.StdEncoding.DecodeString(ref.WrappedKey)
	wrapped[len(wrapped)-1] ^= 1
	for _, tc := range []struct {
		name string
		ref  kyc.BlobRef
		kind kyc.ErrorKind
	}{
		{"wrapped key not base64", kyc.BlobRef{Key: ref.Key, WrappedKey: "%%%", KeyID: ref.KeyID}, kyc.KindInternal},
		{"wrapped key empty", kyc.BlobRef{Key: ref.Key, KeyID: ref.KeyID}, kyc.KindInternal},
		{"wrapped key tampered", kyc.BlobRef{Key: ref.Key, WrappedKey: base64.StdEncoding.EncodeToString(wrapped), KeyID: ref.KeyID}, kyc.KindInternal},
		{"wrapped key too short", kyc.BlobRef{Key: ref.Key, WrappedKey: "AAAA", KeyID: ref.KeyID}, kyc.KindInternal},
		{"unknown key id", kyc.BlobRef{Key: ref.Key, WrappedKey: ref.WrappedKey, KeyID: "k9-00000000"}, kyc.KindInternal},
		{"key outside the store", kyc.BlobRef{Key: "../master.keys", WrappedKey: ref.WrappedKey, KeyID: ref.KeyID}, kyc.KindInvalid},
		{"key with traversal", kyc.BlobRef{Key: "applicants/a1/../../x", WrappedKey: ref.WrappedKey, KeyID: ref.KeyID}, kyc.KindInvalid},
		{"key too deep", kyc.BlobRef{Key: "applicants/a1/f1/x", WrappedKey: ref.WrappedKey, KeyID: ref.KeyID}, kyc.KindInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.Get(ctx, "a1", "f1", tc.ref)
			wantKind(t, err, tc.kind)
		})
	}
}

func TestInvalidIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	for _, tc := range []struct {
		name, applicant, fileID string
	}{
		{"empty applicant", "", "f1"},
		{"empty file", "a1", ""},
		{"dot dot", "..", "f1"},
		{"slash", "a1", "f/1"},
		{"dot", "a1", "f.jpg"},
		{"space", "a 1", "f1"},
		{"unicode", "a1", "fé"},
		{"NUL", "a1", "f\x001"},
		{"too long", strings.Repeat("a", maxIDLength+1), "f1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.Put(ctx, tc.applicant, tc.fileID, []byte("x"))
			wantKind(t, err, kyc.KindInvalid)
			_, err = s.Get(ctx, tc.applicant, tc.fileID, kyc.BlobRef{Key: "applicants/a1/f1"})
			wantKind(t, err, kyc.KindInvalid)
		})
	}
	if _, err := s.Put(ctx, strings.Repeat("a", maxIDLength), "A-z_09", nil); err != nil {
		t.Fatalf("longest valid id refused: %v", err)
	}
}

func TestDeleteAndNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	ref, err := s.Put(ctx, "a1", "f1", []byte("selfie"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, ref); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, "a1", "f1", ref); !kyc.IsNotFound(err) {
		t.Fatalf("Get after Delete: %v, want not found", err)
	}
	if err := s.Delete(ctx, ref); !kyc.IsNotFound(err) {
		t.Fatalf("second Delete: %v, want not found", err)
	}
	// The id can be used again once deleted.
	if _, err := s.Put(ctx, "a1", "f1", []byte("selfie 2")); err != nil {
		t.Fatalf("Put after Delete: %v", err)
	}
}

func TestPutTwiceConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	ref, err := s.Put(ctx, "a1", "f1", []byte("first"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(ctx, "a1", "f1", []byte("second"))
	wantKind(t, err, kyc.KindConflict)
	if got, err := s.Get(ctx, "a1", "f1", ref); err != nil || string(got) != "first" {
		t.Fatalf("first file damaged by the refused Put: %q, %v", got, err)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, dir := setup(t)
	oldID := s.PrimaryKeyID()

	files := map[string][]byte{}
	refs := map[string]kyc.BlobRef{}
	for i := range 4 {
		id := fmt.Sprintf("f%d", i)
		files[id] = fakeDocument(1000 * (i + 1))
		ref, err := s.Put(ctx, "a1", id, files[id])
		if err != nil {
			t.Fatal(err)
		}
		refs[id] = ref
	}
	stale := refs["f0"] // never rewrapped

	newID, err := s.RotateMasterKey(ctx)
	if err != nil {
		t.Fatalf("RotateMasterKey: %v", err)
	}
	if newID == oldID || s.PrimaryKeyID() != newID {
		t.Fatalf("after rotation primary is %q (old %q, new %q)", s.PrimaryKeyID(), oldID, newID)
	}
	if ids := s.KeyIDs(); !slices.Equal(ids, []string{newID, oldID}) {
		t.Fatalf("KeyIDs = %v", ids)
	}
	st, err := os.Stat(filepath.Join(dir, "master.keys"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file after rotation: %v, %v", st.Mode(), err)
	}

	// Old refs still open before rewrap; new files use the new key.
	for id, ref := range refs {
		if got, err := s.Get(ctx, "a1", id, ref); err != nil || !bytes.Equal(got, files[id]) {
			t.Fatalf("Get %s before rewrap: %v", id, err)
		}
	}
	fresh, err := s.Put(ctx, "a1", "after", []byte("new"))
	if err != nil || fresh.KeyID != newID {
		t.Fatalf("Put after rotation: %+v, %v", fresh, err)
	}

	blobBefore, err := os.ReadFile(filepath.Join(dir, "files", "applicants", "a1", "f1"))
	if err != nil {
		t.Fatal(err)
	}
	for id, ref := range refs {
		if id == "f0" {
			continue
		}
		nref, err := s.Rewrap(ctx, ref)
		if err != nil {
			t.Fatalf("Rewrap %s: %v", id, err)
		}
		if nref.KeyID != newID || nref.Key != ref.Key || nref.WrappedKey == ref.WrappedKey {
			t.Fatalf("Rewrap %s gave %+v", id, nref)
		}
		again, err := s.Rewrap(ctx, nref)
		if err != nil || again != nref {
			t.Fatalf("Rewrap of a primary ref is not a no-op: %+v, %v", again, err)
		}
		refs[id] = nref
	}
	blobAfter, err := os.ReadFile(filepath.Join(dir, "files", "applicants", "a1", "f1"))
	if err != nil || !bytes.Equal(blobBefore, blobAfter) {
		t.Fatalf("Rewrap touched the blob (%v)", err)
	}

	// Only the stale ref still uses the old key; retire it anyway, as if the database said so.
	retired, err := s.RetireKeys(ctx, []string{newID})
	if err != nil {
		t.Fatalf("RetireKeys: %v", err)
	}
	if !slices.Equal(retired, []string{oldID}) {
		t.Fatalf("retired %v, want [%s]", retired, oldID)
	}
	if ids := s.KeyIDs(); !slices.Equal(ids, []string{newID}) {
		t.Fatalf("KeyIDs after retire = %v", ids)
	}
	// Retiring never removes the primary.
	if retired, err := s.RetireKeys(ctx, nil); err != nil || len(retired) != 0 {
		t.Fatalf("RetireKeys(nil) = %v, %v", retired, err)
	}

	// A reopened store (another process) reads the rewrapped files but not the stale ref.
	s2, err := Open(ctx, DefaultConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, st := range []*Store{s, s2} {
		for id, ref := range refs {
			if id == "f0" {
				continue
			}
			if got, err := st.Get(ctx, "a1", id, ref); err != nil || !bytes.Equal(got, files[id]) {
				t.Fatalf("Get %s after retire: %v", id, err)
			}
		}
		_, err = st.Get(ctx, "a1", "f0", stale)
		wantKind(t, err, kyc.KindInternal)
		if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), oldID) {
			t.Fatalf("stale ref after retire: %v, want ErrUnknownKey naming %s", err, oldID)
		}
		if _, err := st.Rewrap(ctx, stale); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("Rewrap of stale ref: %v, want ErrUnknownKey", err)
		}
	}
}

// A server keeps running while `kycd keys rotate` works on the key file from another process.
func TestRotationSeenByRunningStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server, dir := setup(t)
	cli, err := Open(ctx, DefaultConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()

	oldRef, err := server.Put(ctx, "a1", "old", []byte("old"))
	if err != nil {
		t.Fatal(err)
	}
	newID, err := cli.RotateMasterKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if server.PrimaryKeyID() != newID {
		t.Fatalf("server primary %q, want %q", server.PrimaryKeyID(), newID)
	}
	ref, err := server.Put(ctx, "a1", "new", []byte("new"))
	if err != nil || ref.KeyID != newID {
		t.Fatalf("server Put after rotation: %+v, %v", ref, err)
	}
	// The CLI can read what the server wrote with the new key, and rewrap the old one.
	if got, err := cli.Get(ctx, "a1", "new", ref); err != nil || string(got) != "new" {
		t.Fatalf("cli Get: %q, %v", got, err)
	}
	nref, err := cli.Rewrap(ctx, oldRef)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.RetireKeys(ctx, []string{newID}); err != nil {
		t.Fatal(err)
	}
	if got, err := server.Get(ctx, "a1", "old", nref); err != nil || string(got) != "old" {
		t.Fatalf("server Get of rewrapped ref: %q, %v", got, err)
	}
	if _, err := server.Get(ctx, "a1", "old", oldRef); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("server Get of stale ref: %v, want ErrUnknownKey", err)
	}
}

func TestS3(t *testing.T) {
	// Not parallel: t.Setenv.
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	srv := httptest.NewUnstartedServer(faker.Server())
	// gofakes3 writes some error headers twice; net/http's complaint about it is noise here.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	defer srv.Close()
	if err := backend.CreateBucket("kycd-files"); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "test-access-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	ctx := context.Background()
	s, err := Open(ctx, Config{
		BlobURL: "s3://kycd-files?region=us-east-1&endpoint=" + srv.URL + "&use_path_style=true",
		KeyFile: filepath.Join(t.TempDir(), "master.keys"),
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()

	data := fakeDocument(6 << 20) // large enough for a multipart upload
	small := []byte("proof of address")
	for _, tc := range []struct {
		fileID string
		data   []byte
	}{{"big", data}, {"small", small}} {
		ref, err := s.Put(ctx, "a1", tc.fileID, tc.data)
		if err != nil {
			t.Fatalf("Put %s: %v", tc.fileID, err)
		}
		obj, err := backend.GetObject("kycd-files", ref.Key, nil)
		if err != nil {
			t.Fatalf("object %s not in the bucket: %v", ref.Key, err)
		}
		raw := new(bytes.Buffer)
		_, _ = raw.ReadFrom(obj.Contents)
		_ = obj.Contents.Close()
		if bytes.Contains(raw.Bytes(), tc.data[:min(len(tc.data), 16)]) {
			t.Fatalf("object %s holds plaintext", ref.Key)
		}
		got, err := s.Get(ctx, "a1", tc.fileID, ref)
		if err != nil || !bytes.Equal(got, tc.data) {
			t.Fatalf("Get %s: %v", tc.fileID, err)
		}
		if _, err := s.Get(ctx, "a2", tc.fileID, ref); kyc.KindOf(err) != kyc.KindInternal {
			t.Fatalf("Get with another applicant: %v", err)
		}
		if _, err := s.Put(ctx, "a1", tc.fileID, tc.data); kyc.KindOf(err) != kyc.KindConflict {
			t.Fatalf("second Put %s: %v, want conflict", tc.fileID, err)
		}
		if err := s.Delete(ctx, ref); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Get(ctx, "a1", tc.fileID, ref); !kyc.IsNotFound(err) {
			t.Fatalf("Get after Delete: %v, want not found", err)
		}
	}
}

func newKeyURL(t testing.TB) string {
	t.Helper()
	return "base64key://" + base64.URLEncoding.EncodeToString(randomBytes(t, 32))
}

func TestKeyURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	blobURL := "file://" + filepath.ToSlash(filepath.Join(dir, "files"))
	oldURL, newURL := newKeyURL(t), newKeyURL(t)

	s1, err := Open(ctx, Config{BlobURL: blobURL, KeyURL: oldURL})
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	oldID := s1.PrimaryKeyID()
	if !strings.HasPrefix(oldID, "url:") || strings.Contains(oldID, oldURL[12:]) {
		t.Fatalf("key id %q", oldID)
	}
	if _, err := os.Stat(filepath.Join(dir, "master.keys")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("URL mode created a key file")
	}
	data := fakeDocument(50_000)
	refs := map[string]kyc.BlobRef{}
	for _, id := range []string{"f1", "f2"} {
		ref, err := s1.Put(ctx, "a1", id, data)
		if err != nil {
			t.Fatal(err)
		}
		if ref.KeyID != oldID {
			t.Fatalf("ref key id %q, want %q", ref.KeyID, oldID)
		}
		refs[id] = ref
	}
	if _, err := s1.RotateMasterKey(ctx); !errors.Is(err, ErrRotateInKMS) {
		t.Fatalf("RotateMasterKey in URL mode: %v", err)
	}

	// Without the old URL, old refs cannot be opened.
	sNew, err := Open(ctx, Config{BlobURL: blobURL, KeyURL: newURL})
	if err != nil {
		t.Fatal(err)
	}
	defer sNew.Close()
	if _, err := sNew.Get(ctx, "a1", "f1", refs["f1"]); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Get without OldKeyURLs: %v, want ErrUnknownKey", err)
	}

	// With it, they open and Rewrap moves them to the new keeper.
	s2, err := Open(ctx, Config{BlobURL: blobURL, KeyURL: newURL, OldKeyURLs: []string{oldURL}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	newID := s2.PrimaryKeyID()
	if newID == oldID || newID != sNew.PrimaryKeyID() {
		t.Fatalf("new key id %q (old %q)", newID, oldID)
	}
	if ids := s2.KeyIDs(); !slices.Equal(ids, []string{newID, oldID}) {
		t.Fatalf("KeyIDs = %v", ids)
	}
	if got, err := s2.Get(ctx, "a1", "f1", refs["f1"]); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get through OldKeyURLs: %v", err)
	}
	nref, err := s2.Rewrap(ctx, refs["f2"])
	if err != nil || nref.KeyID != newID {
		t.Fatalf("Rewrap: %+v, %v", nref, err)
	}
	if got, err := sNew.Get(ctx, "a1", "f2", nref); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get of rewrapped ref with only the new URL: %v", err)
	}
	retired, err := s2.RetireKeys(ctx, []string{newID})
	if err != nil || !slices.Equal(retired, []string{oldID}) {
		t.Fatalf("RetireKeys = %v, %v", retired, err)
	}
	if _, err := s2.Get(ctx, "a1", "f1", refs["f1"]); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Get of a not rewrapped ref after retire: %v, want ErrUnknownKey", err)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blobURL := "file://" + filepath.ToSlash(dir)
	secretKey := base64.URLEncoding.EncodeToString(randomBytes(t, 32))
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no key", Config{BlobURL: blobURL}},
		{"both keys", Config{BlobURL: blobURL, KeyFile: filepath.Join(dir, "k"), KeyURL: "base64key://" + secretKey}},
		{"old URLs with key file", Config{BlobURL: blobURL, KeyFile: filepath.Join(dir, "k"), OldKeyURLs: []string{"base64key://" + secretKey}}},
		{"no blob URL", Config{KeyURL: "base64key://" + secretKey}},
		{"relative blob path", Config{BlobURL: "files", KeyURL: "base64key://" + secretKey}},
		{"file URL with query", Config{BlobURL: blobURL + "?metadata=skip", KeyURL: "base64key://" + secretKey}},
		{"unknown blob scheme", Config{BlobURL: "gs://bucket", KeyURL: "base64key://" + secretKey}},
		{"random base64key", Config{BlobURL: blobURL, KeyURL: "base64key://"}},
		{"unlinked KMS", Config{BlobURL: blobURL, KeyURL: "awskms://" + secretKey + "?region=us-east-1"}},
		{"misspelt scheme", Config{BlobURL: blobURL, KeyURL: "base64keys://" + secretKey}},
		{"short key", Config{BlobURL: blobURL, KeyURL: "base64key://" + secretKey[:20]}},
		{"duplicate URL", Config{BlobURL: blobURL, KeyURL: "base64key://" + secretKey, OldKeyURLs: []string{"base64key://" + secretKey}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(context.Background(), tc.cfg)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open accepted a bad config")
			}
			if strings.Contains(err.Error(), secretKey[:20]) {
				t.Fatalf("error leaks key material: %v", err)
			}
		})
	}
}

func TestConfigStringMasksKeys(t *testing.T) {
	t.Parallel()
	secretKey := base64.URLEncoding.EncodeToString(randomBytes(t, 32))
	cfg := Config{
		BlobURL:    "s3://user:pass@bucket?region=us-east-1",
		KeyURL:     "base64key://" + secretKey,
		OldKeyURLs: []string{"base64key://" + secretKey + "x"},
	}
	got := cfg.String()
	for _, secret := range []string{secretKey[:16], "pass"} {
		if strings.Contains(got, secret) {
			t.Fatalf("Config.String leaks a secret: %s", got)
		}
	}
	if !strings.Contains(got, "base64key://(url:") {
		t.Fatalf("Config.String = %s", got)
	}
}

func TestSeal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	secret := []byte("whsec_c2VjcmV0LXNpZ25pbmcta2V5")
	sealed, err := s.Seal(ctx, secret, "webhook/w1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, string(secret)) || strings.Contains(sealed, "whsec") {
		t.Fatal("sealed value contains the secret")
	}
	if id, err := SealedKeyID(sealed); err != nil || id != s.PrimaryKeyID() {
		t.Fatalf("SealedKeyID = %q, %v", id, err)
	}
	got, err := s.Unseal(ctx, sealed, "webhook/w1")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Unseal: %q, %v", got, err)
	}
	other, err := s.Seal(ctx, secret, "webhook/w1")
	if err != nil || other == sealed {
		t.Fatalf("sealing twice gave the same string (%v)", err)
	}

	parts := strings.Split(sealed, ".")
	tamper := func(i int) string {
		p := slices.Clone(parts)
		b := []byte(p[i])
		b[len(b)/2] ^= 0x04 // stays in the base64 alphabet
		p[i] = string(b)
		return strings.Join(p, ".")
	}
	for _, tc := range []struct {
		name, sealed, aad string
	}{
		{"other aad", sealed, "webhook/w2"},
		{"empty aad", sealed, ""},
		{"tampered key", tamper(2), "webhook/w1"},
		{"tampered payload", tamper(3), "webhook/w1"},
		{"unknown key id", strings.Replace(sealed, parts[1], "k7-deadbeef", 1), "webhook/w1"},
		{"not sealed", "whsec_plain", "webhook/w1"},
		{"empty", "", "webhook/w1"},
		{"extra part", sealed + ".AA", "webhook/w1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Unseal(ctx, tc.sealed, tc.aad)
			wantKind(t, err, kyc.KindInternal)
			if got != nil {
				t.Fatal("Unseal returned data along with an error")
			}
		})
	}
}

func TestSealRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mode := range []string{"key file", "key URL"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := DefaultConfig(dir)
			var s *Store
			var err error
			oldURL := newKeyURL(t)
			if mode == "key URL" {
				cfg.KeyFile, cfg.KeyURL = "", oldURL
			}
			if s, err = Open(ctx, cfg); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sealed, err := s.Seal(ctx, []byte("hmac-secret"), "webhook/w1")
			if err != nil {
				t.Fatal(err)
			}
			same, err := s.ResealSecret(ctx, sealed, "webhook/w1")
			if err != nil || same != sealed {
				t.Fatalf("ResealSecret under the primary is not a no-op: %v", err)
			}
			if mode == "key file" {
				if _, err := s.RotateMasterKey(ctx); err != nil {
					t.Fatal(err)
				}
			} else {
				cfg.KeyURL, cfg.OldKeyURLs = newKeyURL(t), []string{oldURL}
				s2, err := Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer s2.Close()
				s = s2
			}
			if _, err := s.ResealSecret(ctx, sealed, "webhook/other"); kyc.KindOf(err) != kyc.KindInternal {
				t.Fatalf("ResealSecret with the wrong aad: %v", err)
			}
			resealed, err := s.ResealSecret(ctx, sealed, "webhook/w1")
			if err != nil {
				t.Fatal(err)
			}
			if id, _ := SealedKeyID(resealed); id != s.PrimaryKeyID() {
				t.Fatalf("resealed under %q, primary %q", id, s.PrimaryKeyID())
			}
			if _, err := s.RetireKeys(ctx, []string{s.PrimaryKeyID()}); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Unseal(ctx, resealed, "webhook/w1"); err != nil || string(got) != "hmac-secret" {
				t.Fatalf("Unseal after rotation: %q, %v", got, err)
			}
			if _, err := s.Unseal(ctx, sealed, "webhook/w1"); !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("Unseal of the old value after retire: %v, want ErrUnknownKey", err)
			}
		})
	}
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name, json string
		ok         bool
	}{
		{"valid", `{"format":"kycd-master-keys/v1","primary":"k1-a","keys":[{"id":"k1-a","version":1,"key":"` + key + `"}]}`, true},
		{"not json", `{`, false},
		{"wrong format", `{"format":"v0","primary":"k1-a","keys":[{"id":"k1-a","key":"` + key + `"}]}`, false},
		{"no keys", `{"format":"kycd-master-keys/v1","primary":"k1-a","keys":[]}`, false},
		{"primary missing", `{"format":"kycd-master-keys/v1","primary":"k2-a","keys":[{"id":"k1-a","key":"` + key + `"}]}`, false},
		{"short key", `{"format":"kycd-master-keys/v1","primary":"k1-a","keys":[{"id":"k1-a","key":"AAAA"}]}`, false},
		{"duplicate id", `{"format":"kycd-master-keys/v1","primary":"k1-a","keys":[{"id":"k1-a","key":"` + key + `"},{"id":"k1-a","key":"` + key + `"}]}`, false},
		{"id with dot", `{"format":"kycd-master-keys/v1","primary":"k1.a","keys":[{"id":"k1.a","key":"` + key + `"}]}`, false},
		{"url id", `{"format":"kycd-master-keys/v1","primary":"url:a","keys":[{"id":"url:a","key":"` + key + `"}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseKeyring([]byte(tc.json))
			if (err == nil) != tc.ok {
				t.Fatalf("parseKeyring: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && strings.Contains(err.Error(), key) {
				t.Fatal("error leaks key material")
			}
		})
	}
}

func FuzzParseKeyring(f *testing.F) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	f.Add([]byte(`{"format":"kycd-master-keys/v1","primary":"k1-a","keys":[{"id":"k1-a","version":1,"key":"` + key + `"}]}`))
	f.Add([]byte(`{"format":"kycd-master-keys/v1","primary":"","keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		kr, err := parseKeyring(data)
		if err != nil {
			return
		}
		if kr.ciphers[kr.file.Primary] == nil {
			t.Fatal("accepted a keyring without a usable primary")
		}
		for id := range kr.ciphers {
			if !validKeyID(id) || strings.Contains(id, ".") {
				t.Fatalf("accepted key id %q", id)
			}
		}
	})
}

func FuzzParseSealed(f *testing.F) {
	f.Add("kycd1.k1-abc.AAAA.BBBB")
	f.Add("kycd1.url:0123.AA.AA")
	f.Add("kycd1...")
	f.Add("")
	f.Fuzz(func(t *testing.T, sealed string) {
		keyID, wrapped, ct, err := parseSealed(sealed)
		if err != nil {
			return
		}
		if !validKeyID(keyID) || len(wrapped) == 0 || len(ct) == 0 {
			t.Fatalf("accepted %q", sealed)
		}
		if formatSealed(keyID, wrapped, ct) != sealed {
			// Non-canonical base64 may decode; it must still not panic anywhere.
			return
		}
	})
}

// FuzzUnseal feeds arbitrary database values to Unseal: errors, never panics or plaintext.
func FuzzUnseal(f *testing.F) {
	s, _ := setup(f)
	good, err := s.Seal(context.Background(), []byte("secret"), "aad")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "aad")
	f.Add(good[:len(good)-3], "aad")
	f.Add("kycd1."+s.PrimaryKeyID()+".AAAA.AAAA", "aad")
	f.Fuzz(func(t *testing.T, sealed, aad string) {
		pt, err := s.Unseal(context.Background(), sealed, aad)
		if err == nil && (sealed != good || aad != "aad" || string(pt) != "secret") {
			t.Fatalf("Unseal(%q, %q) opened to %q", sealed, aad, pt)
		}
	})
}

func FuzzObjectKey(f *testing.F) {
	f.Add("a1", "f1")
	f.Add("..", "x")
	f.Add("a/b", "c")
	f.Fuzz(func(t *testing.T, applicantID, fileID string) {
		key, err := objectKey(applicantID, fileID)
		if err != nil {
			return
		}
		if strings.Contains(key, "..") || strings.Count(key, "/") != 2 || checkObjectKey(key) != nil {
			t.Fatalf("objectKey(%q, %q) = %q", applicantID, fileID, key)
		}
	})
}

func BenchmarkPutGet(b *testing.B) {
	ctx := context.Background()
	s, _ := setup(b)
	for _, size := range []int{2 << 20, 5 << 20} {
		data := randomBytes(b, size)
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(size))
			i := 0
			for b.Loop() {
				fileID := fmt.Sprintf("f%d", i)
				i++
				ref, err := s.Put(ctx, "bench", fileID, data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Get(ctx, "bench", fileID, ref); err != nil {
					b.Fatal(err)
				}
				if err := s.Delete(ctx, ref); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
