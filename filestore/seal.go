package filestore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Sealed secrets look like "kycd1.<keyID>.<wrapped DEK>.<nonce+ciphertext>" (URL-safe base64
// without padding): printable, so they fit a TEXT column, and they name their master key.
const (
	sealPrefix    = "kycd1"
	sealAADPrefix = "kycd/v1/secret/"
	maxSealedLen  = 64 << 10
)

// Seal encrypts a small secret (a webhook signing secret, an API credential) for storage in the
// database. aad names what the secret belongs to (e.g. "webhook/<id>"); Unseal needs the same aad,
// so a sealed value copied to another row does not open there.
func (s *Store) Seal(ctx context.Context, plaintext []byte, aad string) (string, error) {
	dek := make([]byte, dekSize)
	if _, err := rand.Read(dek); err != nil {
		return "", internal("could not seal the secret", err)
	}
	defer clear(dek)
	aead, err := newGCM(dek)
	if err != nil {
		return "", internal("could not seal the secret", err)
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", internal("could not seal the secret", err)
	}
	ct := aead.Seal(nonce, nonce, plaintext, []byte(sealAADPrefix+aad))
	keyID, wrapped, err := s.keys.wrap(ctx, dek)
	if err != nil {
		return "", internal("could not seal the secret", err)
	}
	return formatSealed(keyID, wrapped, ct), nil
}

// Unseal opens a value made by Seal with the same aad.
func (s *Store) Unseal(ctx context.Context, sealed, aad string) ([]byte, error) {
	o, err := s.openSealed(ctx, sealed, aad)
	if err != nil {
		return nil, err
	}
	clear(o.dek)
	return o.plaintext, nil
}

// ResealSecret moves a sealed secret under the primary master key (the Rewrap of secrets): only its
// data key is re-wrapped. It first checks that sealed opens with aad, and returns sealed unchanged
// when it is already under the primary.
func (s *Store) ResealSecret(ctx context.Context, sealed, aad string) (string, error) {
	o, err := s.openSealed(ctx, sealed, aad)
	if err != nil {
		return "", err
	}
	defer clear(o.dek)
	clear(o.plaintext)
	if o.keyID == s.keys.primaryID() {
		return sealed, nil
	}
	keyID, wrapped, err := s.keys.wrap(ctx, o.dek)
	if err != nil {
		return "", internal("could not reseal the secret", err)
	}
	return formatSealed(keyID, wrapped, o.payload), nil
}

type openedSecret struct {
	keyID     string
	dek       []byte
	payload   []byte // nonce + ciphertext, as stored
	plaintext []byte
}

func (s *Store) openSealed(ctx context.Context, sealed, aad string) (openedSecret, error) {
	keyID, wrapped, payload, err := parseSealed(sealed)
	if err != nil {
		return openedSecret{}, internal("stored secret is damaged", err)
	}
	dek, err := s.keys.unwrap(ctx, keyID, wrapped)
	if err != nil {
		return openedSecret{}, internal("stored secret could not be unwrapped", err)
	}
	if len(dek) != dekSize {
		clear(dek)
		return openedSecret{}, internal("stored secret is damaged", fmt.Errorf("data key has %d bytes", len(dek)))
	}
	aead, err := newGCM(dek)
	if err != nil {
		clear(dek)
		return openedSecret{}, internal("stored secret is damaged", err)
	}
	n := aead.NonceSize()
	if len(payload) < n+aead.Overhead() {
		clear(dek)
		return openedSecret{}, internal("stored secret is damaged", errors.New("sealed payload too short"))
	}
	pt, err := aead.Open(nil, payload[:n], payload[n:], []byte(sealAADPrefix+aad))
	if err != nil {
		clear(dek)
		return openedSecret{}, internal("stored secret could not be decrypted", errors.New("sealed payload does not open with this aad"))
	}
	return openedSecret{keyID: keyID, dek: dek, payload: payload, plaintext: pt}, nil
}

// SealedKeyID names the master key a sealed secret is under, so the rotation command can collect
// the ids still in use before RetireKeys.
func SealedKeyID(sealed string) (string, error) {
	keyID, _, _, err := parseSealed(sealed)
	return keyID, err
}

func formatSealed(keyID string, wrapped, ct []byte) string {
	enc := base64.RawURLEncoding
	return sealPrefix + "." + keyID + "." + enc.EncodeToString(wrapped) + "." + enc.EncodeToString(ct)
}

// parseSealed splits a sealed string. It is fed from the database, so it checks everything.
func parseSealed(sealed string) (keyID string, wrapped, ct []byte, err error) {
	if len(sealed) > maxSealedLen {
		return "", nil, nil, errors.New("sealed secret too long")
	}
	parts := strings.Split(sealed, ".")
	if len(parts) != 4 || parts[0] != sealPrefix {
		return "", nil, nil, errors.New("not a sealed secret")
	}
	if !validKeyID(parts[1]) {
		return "", nil, nil, errors.New("sealed secret has an invalid key id")
	}
	enc := base64.RawURLEncoding
	wrapped, err = enc.DecodeString(parts[2])
	if err != nil || len(wrapped) == 0 {
		return "", nil, nil, errors.New("sealed secret has a damaged key")
	}
	ct, err = enc.DecodeString(parts[3])
	if err != nil || len(ct) == 0 {
		return "", nil, nil, errors.New("sealed secret has a damaged payload")
	}
	return parts[1], wrapped, ct, nil
}
