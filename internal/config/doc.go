// Package config holds the configuration of agreementbot, the Discord bot
// that answers questions about a news story from a SQLite fact store.
//
// Every setting has a default ([Default]); a YAML file may set any of them
// and environment variables override the file ([Load]). The file is read
// strictly: unknown keys, wrong types and invalid values are errors that name
// the file, the line and the key, such as
//
//	config.yaml:7: answer.threshold: must be in (0, 1], got 1.5
//
// and an invalid environment variable is an error that names the variable.
// [Config.Write] prints the effective settings as YAML, with the bot token
// masked (and the Redis URL's password) and each value's origin in a
// comment.
package config
