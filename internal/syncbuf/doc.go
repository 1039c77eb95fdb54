// Package syncbuf provides a bytes.Buffer that goroutines may write at
// once: the log of a bot or server under test, read back by the test,
// which can wait for a line to be written instead of sampling it.
package syncbuf
