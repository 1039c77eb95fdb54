// Package atomicfile replaces files so that a reader sees either the old
// file or the new one whole, never a half-written one, and a failed write
// leaves the old file as it was. The fact store and uploaded sources are
// both written this way.
package atomicfile
