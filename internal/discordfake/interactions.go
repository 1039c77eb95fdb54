package discordfake

import (
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DispatchInteraction sends i as an INTERACTION_CREATE event. Empty ID,
// Token, AppID and Version are filled in place (so the caller can use
// i.ID with [Server.WaitInteractionResponse]); for application command
// and autocomplete interactions an empty Data.ID is filled from the
// registered command with the same name (guild first, then global). The
// interaction is registered before it is sent so the bot's callback and
// webhook calls are accepted, and its channel, user and member become
// visible through the GET routes. It returns after the event was written
// to every session (see [Server.Dispatch]). Without any gateway session it
// returns [ErrNoSession], but the interaction stays registered, so
// REST-only tests can still answer it with a session's REST methods.
func (f *Server) DispatchInteraction(i *discordgo.Interaction) error {
	if i == nil {
		return errors.New("discordfake: nil interaction")
	}
	f.mu.Lock()
	if i.ID == "" {
		i.ID = f.ids.next()
	}
	if i.Token == "" {
		i.Token = "itok-" + randomHex(24)
	}
	if i.AppID == "" {
		i.AppID = f.opts.ApplicationID
	}
	if i.Version == 0 {
		i.Version = 1
	}
	if d, isCmd := i.Data.(discordgo.ApplicationCommandInteractionData); isCmd && d.ID == "" {
		for _, g := range []string{i.GuildID, ""} {
			if idx := findCommand(f.commands[g], d.Name, d.CommandType); idx >= 0 {
				d.ID = f.commands[g][idx].ID
				i.Data = d
				break
			}
		}
	}
	if _, dup := f.interactions[i.ID]; dup {
		f.mu.Unlock()
		return fmt.Errorf("discordfake: interaction %s already dispatched", i.ID)
	}
	st := &interactionState{id: i.ID, token: i.Token, typ: i.Type, channelID: i.ChannelID}
	if i.Message != nil {
		src := *i.Message
		st.source = &src
		if _, known := f.messages[src.ID]; !known && src.ID != "" {
			f.messages[src.ID] = &src
		}
	}
	f.interactions[i.ID] = st
	f.byToken[i.Token] = st
	user := i.User
	if i.Member != nil {
		f.registerMemberLocked(i.GuildID, i.Member)
		user = i.Member.User
	}
	f.registerUserLocked(user)
	f.registerChannelLocked(i.ChannelID, i.GuildID, user)
	f.mu.Unlock()

	raw, err := marshalInteraction(i)
	if err != nil {
		return fmt.Errorf("discordfake: encoding interaction: %w", err)
	}
	return f.Dispatch("INTERACTION_CREATE", raw)
}

// DispatchMessage sends m as a MESSAGE_CREATE event. An empty ID and a
// zero Timestamp are filled in place. The message becomes known to the
// fake (GET/DELETE channels/{c}/messages/{id}), as do its channel and
// author.
func (f *Server) DispatchMessage(m *discordgo.Message) error {
	if m == nil {
		return errors.New("discordfake: nil message")
	}
	f.mu.Lock()
	if m.ID == "" {
		m.ID = f.ids.next()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now().UTC()
	}
	stored := *m
	f.messages[m.ID] = &stored
	f.registerUserLocked(m.Author)
	if m.Member != nil && m.GuildID != "" {
		mem := *m.Member
		if mem.User == nil {
			mem.User = m.Author
		}
		f.registerMemberLocked(m.GuildID, &mem)
	}
	f.registerChannelLocked(m.ChannelID, m.GuildID, m.Author)
	f.mu.Unlock()

	raw, err := marshalMessage(m)
	if err != nil {
		return fmt.Errorf("discordfake: encoding message: %w", err)
	}
	return f.Dispatch("MESSAGE_CREATE", raw)
}
