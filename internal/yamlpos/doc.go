// Package yamlpos reads YAML so that every problem can name its line: the
// sources' front matter and facts files, the vocabulary and the bot's
// configuration all report errors through it. It wraps go.yaml.in/yaml/v3,
// whose own line numbers count differently in its scanner and its parser,
// and count line breaks (a lone "\r", U+2028, U+2029) that editors do not
// show as lines.
package yamlpos
