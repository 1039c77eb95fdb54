package dashboard

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// session is what a session cookie holds: who logged in, the CSRF token
// of their forms, their Discord access token (sealed), and when their
// access was last checked and the session ends.
type session struct {
	UserID  string `json:"u"`
	Name    string `json:"n"`
	CSRF    string `json:"c"`
	Token   string `json:"t"` // sealed with the cookie's encryption key
	Checked int64  `json:"k"` // Unix seconds
	Expires int64  `json:"e"` // Unix seconds
}

// maxCookie bounds a cookie value decoded: far above any session's.
const maxCookie = 4096

// errBadCookie is any cookie that is not one this dashboard signed,
// whole and unexpired: the request then has no session.
var errBadCookie = errors.New("not a valid session cookie")

// sealer signs cookies with HMAC-SHA256 and seals the Discord token in
// them with AES-GCM, under two keys derived from the session key.
type sealer struct {
	mac  []byte
	aead cipher.AEAD
}

// newSealer derives the signing and encryption keys from key.
func newSealer(key []byte) (*sealer, error) {
	derive := func(purpose string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte("agreementbot dashboard " + purpose))
		return h.Sum(nil)
	}
	block, err := aes.NewCipher(derive("token encryption"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{mac: derive("cookie signature"), aead: aead}, nil
}

var b64 = base64.RawURLEncoding

// sign returns value with its signature: base64(value) "." base64(mac),
// the mac covering the cookie's name too, so that one cookie cannot
// stand for another.
func (s *sealer) sign(name string, value []byte) string {
	payload := b64.EncodeToString(value)
	return payload + "." + b64.EncodeToString(s.sum(name, payload))
}

// sum is the signature of a cookie's payload.
func (s *sealer) sum(name, payload string) []byte {
	h := hmac.New(sha256.New, s.mac)
	h.Write([]byte(name + "\x00" + payload))
	return h.Sum(nil)
}

// verify returns the value a signed cookie holds, or errBadCookie.
func (s *sealer) verify(name, cookie string) ([]byte, error) {
	if len(cookie) > maxCookie {
		return nil, errBadCookie
	}
	payload, sig, ok := strings.Cut(cookie, ".")
	if !ok {
		return nil, errBadCookie
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.sum(name, payload)) {
		return nil, errBadCookie
	}
	value, err := b64.DecodeString(payload)
	if err != nil {
		return nil, errBadCookie
	}
	return value, nil
}

// encodeSession signs a session as a cookie value.
func (s *sealer) encodeSession(sess session) (string, error) {
	b, err := json.Marshal(sess)
	if err != nil {
		return "", err
	}
	return s.sign(sessionCookie, b), nil
}

// decodeSession reads a session cookie's value: signed by this key,
// whole, and not expired at now.
func (s *sealer) decodeSession(cookie string, now time.Time) (session, error) {
	b, err := s.verify(sessionCookie, cookie)
	if err != nil {
		return session{}, err
	}
	var sess session
	if err := json.Unmarshal(b, &sess); err != nil || sess.UserID == "" || sess.CSRF == "" || sess.Token == "" {
		return session{}, errBadCookie
	}
	if now.Unix() >= sess.Expires {
		return session{}, errBadCookie
	}
	return sess, nil
}

// seal encrypts a Discord token for a cookie.
func (s *sealer) seal(token string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return b64.EncodeToString(s.aead.Seal(nonce, nonce, []byte(token), []byte("token")))
}

// open decrypts a token sealed by seal.
func (s *sealer) open(sealed string) (string, error) {
	b, err := b64.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errBadCookie
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte("token"))
	if err != nil {
		return "", errBadCookie
	}
	return string(plain), nil
}

// randomToken returns 32 random bytes, base64: a state or a CSRF token.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return b64.EncodeToString(b)
}
