package config

import (
	"fmt"
	"io"
	"log/slog"
)

// Secret is a value that must never be printed or logged, such as the
// Discord bot token. Every way of formatting or encoding it (fmt verbs,
// log/slog, encoding/json, YAML, encoding.TextMarshaler) yields only
// "(set)" or "(not set)"; [Secret.Reveal] returns the real value.
type Secret string

const (
	maskSet    = "(set)"
	maskNotSet = "(not set)"
)

// Reveal returns the secret itself. Call it only where the real value is
// needed (authenticating to Discord), never to print or log it.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String returns "(set)" or "(not set)", never the secret.
func (s Secret) String() string {
	if s == "" {
		return maskNotSet
	}
	return maskSet
}

// GoString returns a Go-syntax form with the secret masked, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// Format implements [fmt.Formatter] so that every verb and flag (%v, %+v,
// %#v, %s, %q, %x, ...) prints the mask, never the secret.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	io.WriteString(f, s.String())
}

// LogValue implements [slog.LogValuer]: logs show the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements [encoding.TextMarshaler] with the mask.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalJSON implements [encoding/json.Marshaler]: a JSON string holding
// the mask.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalYAML implements the YAML Marshaler interface with the mask.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }
