// Package apytest starts a real Apertium translation server (apertium-apy)
// for a test, on a free port with the English–Spanish pair, and skips the
// test when it or the pair is not installed. The tests of the translation
// client (knowledge/apertium) and of translated answers end to end
// (cmd/agreementbot) use it.
package apytest
