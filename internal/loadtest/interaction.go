package loadtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The made-up ids of the interactions the load test sends.
const (
	appID     = "1100000000000000001"
	guildID   = "1200000000000000001"
	channelID = "1200000000000000002"
	commandID = "1300000000000000001"
	// firstID is the first interaction id; the nth request's interaction
	// is firstID+n and its member firstUser+n, so that every request is a
	// new member (see Options).
	firstID   = 1400000000000000000
	firstUser = 1500000000000000000
)

// interaction is one request's body: an /ask as Discord sends it, with
// the fields a real slash command carries in a server (the member with
// its user, the channel, the guild, the locales), so that the endpoint
// decodes what it would decode in service.
type interaction struct {
	body  []byte
	token string // the interaction's webhook token
}

// Placeholders in a question's template, replaced for each request.
const (
	idMark    = "@ID@"
	userMark  = "@USER@"
	tokenMark = "@TOKEN@"
)

// template is the /ask of one question, encoded once, cut where what
// differs between requests goes: text[0], a placeholder, text[1], ...
type template struct {
	text  []string
	marks []string // the placeholder after each text but the last
}

// newTemplate encodes the /ask of q, the interaction's id, token and
// member left as placeholders.
func newTemplate(q Question) (template, error) {
	body, err := json.Marshal(map[string]any{
		"id": idMark, "application_id": appID, "type": 2, "version": 1, "token": tokenMark,
		"guild_id": guildID, "channel_id": channelID, "locale": q.Locale, "guild_locale": "en-US",
		"app_permissions": "2248473465835073", "context": 0, "attachment_size_limit": 10485760,
		"entitlements": []any{}, "entitlement_sku_ids": []any{},
		"authorizing_integration_owners": map[string]string{"0": guildID},
		"data": map[string]any{
			"id": commandID, "name": "ask", "type": 1, "guild_id": guildID,
			"options": []any{map[string]any{"name": "question", "type": 3, "value": q.Text}},
		},
		"guild":   map[string]any{"id": guildID, "locale": "en-US", "features": []string{"COMMUNITY", "NEWS"}},
		"channel": channel(),
		"member":  member(),
	})
	if err != nil {
		return template{}, fmt.Errorf("encode the /ask of %q: %w", q.Text, err)
	}
	return cut(string(body)), nil
}

// cut cuts body at its placeholders.
func cut(body string) template {
	var t template
	for {
		at, mark := -1, ""
		for _, m := range []string{idMark, userMark, tokenMark} {
			if i := strings.Index(body, m); i >= 0 && (at < 0 || i < at) {
				at, mark = i, m
			}
		}
		if at < 0 {
			t.text = append(t.text, body)
			return t
		}
		t.text, t.marks = append(t.text, body[:at]), append(t.marks, mark)
		body = body[at+len(mark):]
	}
}

// interaction returns the nth request: interaction firstID+n, from
// member firstUser+n.
func (t template) interaction(n int) interaction {
	id := strconv.FormatInt(firstID+int64(n), 10)
	values := map[string]string{
		idMark: id, userMark: strconv.FormatInt(firstUser+int64(n), 10),
		tokenMark: fmt.Sprintf("aW50ZXJhY3Rpb246%s:loadtest-token-%0100d", id, n),
	}
	body := make([]byte, 0, 2048)
	for i, text := range t.text {
		body = append(body, text...)
		if i < len(t.marks) {
			body = append(body, values[t.marks[i]]...)
		}
	}
	return interaction{body: body, token: values[tokenMark]}
}

// channel is the channel object of every interaction.
func channel() map[string]any {
	return map[string]any{
		"id": channelID, "guild_id": guildID, "type": 0, "name": "migration-news", "position": 3,
		"parent_id": "1200000000000000003", "topic": "News and questions about the agreement",
		"nsfw": false, "flags": 0, "rate_limit_per_user": 0, "last_message_id": "1200000000000000099",
		"permissions": "2248473465835073",
	}
}

// member is the member object of every interaction, its user id left
// as a placeholder.
func member() map[string]any {
	return map[string]any{
		"user": map[string]any{
			"id": userMark, "username": "member_" + userMark, "global_name": "Member " + userMark,
			"discriminator": "0", "avatar": "a_0123456789abcdef0123456789abcdef", "public_flags": 0,
			"avatar_decoration_data": nil, "clan": nil, "primary_guild": nil,
		},
		"roles": []string{"1200000000000000010"}, "joined_at": "2024-01-15T10:00:00.000000+00:00",
		"premium_since": nil, "deaf": false, "mute": false, "pending": false, "nick": nil, "avatar": nil,
		"banner": nil, "flags": 0, "permissions": "2248473465835073", "communication_disabled_until": nil,
		"unusual_dm_activity_until": nil,
	}
}

// pingBody is a PING, which every interactions endpoint answers with a
// PONG: the load test sends it to find out that an endpoint is up.
const pingBody = `{"id":"1400000000000000000","application_id":"` + appID + `","type":1,"token":"ping","version":1}`
