package redisstate

import (
	"errors"
	"net/url"
	"strings"
)

// redactedError returns err's message with any password in rawURL
// replaced by "xxxxx".
func redactedError(err error, rawURL string) string {
	msg := err.Error()
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return errors.New("invalid URL").Error()
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	if name := u.User.Username(); name != "" {
		msg = strings.ReplaceAll(msg, name, "xxxxx")
	}
	return msg
}
