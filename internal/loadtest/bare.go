package loadtest

import (
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
)

// BareText is the fixed reply of the bare endpoint.
const BareText = "Thanks for asking."

// bareReply is the bare endpoint's response to every signed request: a
// message with BareText (type 4, CHANNEL_MESSAGE_WITH_SOURCE).
const bareReply = `{"type":4,"data":{"content":"` + BareText + `"}}`

// bareMaxBody bounds a request's body, as serve's endpoint does.
const bareMaxBody = 256 << 10

// Bare returns the bare endpoint the load test measures serve against:
// the least an interactions endpoint must do. It checks that a POST to
// /interactions is signed with key's private half over the
// X-Signature-Timestamp header followed by the body, as Discord signs
// (401 otherwise), and answers it with a fixed message, without reading
// the interaction.
func Bare(key ed25519.PublicKey) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /interactions", func(w http.ResponseWriter, r *http.Request) {
		if !verified(key, w, r) {
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, bareReply)
	})
	return mux
}

// verified reads r's body and reports whether it is signed with key.
func verified(key ed25519.PublicKey, w http.ResponseWriter, r *http.Request) bool {
	ts := r.Header.Get("X-Signature-Timestamp")
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize || ts == "" {
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bareMaxBody))
	if err != nil {
		return false
	}
	return ed25519.Verify(key, append([]byte(ts), body...), sig)
}
