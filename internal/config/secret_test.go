package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const testToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.SECRETsecretSECRET"

func TestSecretString(t *testing.T) {
	if got := Secret("").String(); got != "(not set)" {
		t.Errorf(`Secret("").String() = %q, want "(not set)"`, got)
	}
	if got := Secret(testToken).String(); got != "(set)" {
		t.Errorf("Secret(token).String() = %q, want \"(set)\"", got)
	}
	if got := Secret(testToken).Reveal(); got != testToken {
		t.Errorf("Reveal() = %q, want the token", got)
	}
	if Secret("").IsSet() || !Secret("x").IsSet() {
		t.Error("IsSet is wrong")
	}
}

// TestSecretNeverPrinted prints and logs a Config holding a token in every
// usual way and checks the token never shows.
func TestSecretNeverPrinted(t *testing.T) {
	c := Default()
	c.Discord.Token = testToken
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		for name, v := range map[string]any{"config": c, "pointer": &c, "discord": c.Discord, "token": c.Discord.Token, "token pointer": &c.Discord.Token} {
			outputs[verb+" "+name] = fmt.Sprintf(verb, v)
		}
	}
	outputs["Sprint"] = fmt.Sprint(c, c.Discord.Token)
	outputs["Sprintln"] = fmt.Sprintln(c, c.Discord.Token)
	outputs["GoString"] = c.Discord.Token.GoString()
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		log := slog.New(newHandler(&b))
		log.Info("starting", "config", c, "pointer", &c, "discord", c.Discord, "token", c.Discord.Token)
		log.Info("attrs", slog.Any("config", c), slog.Any("token", c.Discord.Token), slog.String("masked", c.Discord.Token.String()))
		log.With("token", c.Discord.Token).WithGroup("g").Info("grouped", "discord", c.Discord)
		outputs[name] = b.String()
	}
	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	y, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["yaml"] = string(y)
	text, _ := c.Discord.Token.MarshalText()
	outputs["MarshalText"] = string(text)
	var w bytes.Buffer
	if err := c.Write(&w); err != nil {
		t.Fatal(err)
	}
	outputs["Write"] = w.String()

	for name, out := range outputs {
		if strings.Contains(out, testToken) || strings.Contains(out, "SECRET") {
			t.Errorf("%s shows the token: %s", name, out)
		}
	}
	// The mask must actually be there (so the checks above are not vacuous).
	for _, name := range []string{"%v config", "%+v config", "%#v config", "slog text", "slog json", "json", "yaml", "Write"} {
		if !strings.Contains(outputs[name], "(set)") {
			t.Errorf("%s does not show the mask: %s", name, outputs[name])
		}
	}
	if !strings.Contains(outputs["json"], `"token":"(set)"`) {
		t.Errorf("json = %s, want token (set)", outputs["json"])
	}
}

// TestSecretNotInErrors checks that errors about a bad token do not show it.
func TestSecretNotInErrors(t *testing.T) {
	bad := "Bot " + testToken
	path := writeFile(t, "discord:\n  token: "+bad+"\n")
	_, err := Load(path, nil)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Load(file token %q) error = %v, want an error without the token", bad, err)
	}
	_, err = Load("", env("DISCORD_TOKEN", testToken+"\nmore"))
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Load(env token) error = %v, want an error without the token", err)
	}
	c := Default()
	c.Discord.Token = Secret(bad)
	if err := c.Validate(); err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Validate() = %v, want an error without the token", err)
	}
}
