package bot

import "context"

// logAttrsKey is the context key of the attributes the handlers add to
// their log lines about a request.
type logAttrsKey struct{}

// WithLogAttrs returns ctx carrying args (slog key-value pairs, such as
// "shard", 1) for the handlers to add to their log lines about the
// request ctx is for, after any it carries already.
func WithLogAttrs(ctx context.Context, args ...any) context.Context {
	return context.WithValue(ctx, logAttrsKey{}, append(logAttrs(ctx), args...))
}

// logAttrs returns a copy of the attributes ctx carries for log lines.
func logAttrs(ctx context.Context) []any {
	args, _ := ctx.Value(logAttrsKey{}).([]any)
	return append([]any(nil), args...)
}
