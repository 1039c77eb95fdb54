package discordfake

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// decodeComponents decodes a JSON array of message components into
// discordgo's MessageComponent interface values. A JSON null yields nil.
func decodeComponents(raw json.RawMessage) ([]discordgo.MessageComponent, error) {
	if isNull(raw) {
		return nil, nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, fmt.Errorf("components: %w", err)
	}
	out := make([]discordgo.MessageComponent, 0, len(parts))
	for _, p := range parts {
		c, err := discordgo.MessageComponentFromJSON(p)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// isNull reports whether raw is empty or the JSON literal null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// splitComponents decodes raw as a JSON object, removes its "components"
// key and returns the remaining object re-encoded together with the decoded
// components. present reports whether the key existed.
func splitComponents(raw json.RawMessage) (rest json.RawMessage, comps []discordgo.MessageComponent, present bool, err error) {
	var fields map[string]json.RawMessage
	if err = json.Unmarshal(raw, &fields); err != nil {
		return nil, nil, false, err
	}
	c, present := fields["components"]
	if present {
		if comps, err = decodeComponents(c); err != nil {
			return nil, nil, false, err
		}
		delete(fields, "components")
	}
	rest, err = json.Marshal(fields)
	return rest, comps, present, err
}

// decodeInteractionResponse decodes an interaction callback body. Unlike
// json.Unmarshal into discordgo.InteractionResponse it copes with
// components, which discordgo models as an interface.
func decodeInteractionResponse(raw json.RawMessage) (discordgo.InteractionResponse, error) {
	var wire struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		return discordgo.InteractionResponse{}, err
	}
	resp := discordgo.InteractionResponse{Type: wire.Type}
	if isNull(wire.Data) {
		return resp, nil
	}
	rest, comps, _, err := splitComponents(wire.Data)
	if err != nil {
		return resp, err
	}
	var data discordgo.InteractionResponseData
	if err := json.Unmarshal(rest, &data); err != nil {
		return resp, err
	}
	data.Components = comps
	resp.Data = &data
	return resp, nil
}

// marshalMessage encodes m including its components, which discordgo's
// Message type excludes from its default JSON encoding.
func marshalMessage(m *discordgo.Message) (json.RawMessage, error) {
	raw, err := json.Marshal(m)
	if err != nil || m == nil {
		return raw, err
	}
	comps := m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	return setField(raw, "components", comps)
}

// setField sets key to value in the JSON object raw.
func setField(raw json.RawMessage, key string, value any) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	v, ok := value.(json.RawMessage)
	if !ok {
		var err error
		if v, err = json.Marshal(value); err != nil {
			return nil, err
		}
	}
	fields[key] = v
	return json.Marshal(fields)
}

// marshalInteraction encodes i the way Discord sends it over the gateway,
// including the parts discordgo omits from its default encoding: modal
// submit components and the components of the message a component
// interaction is attached to.
func marshalInteraction(i *discordgo.Interaction) (json.RawMessage, error) {
	raw, err := json.Marshal(i)
	if err != nil {
		return nil, err
	}
	var modal *discordgo.ModalSubmitInteractionData
	switch d := i.Data.(type) {
	case discordgo.ModalSubmitInteractionData:
		modal = &d
	case *discordgo.ModalSubmitInteractionData:
		modal = d
	}
	if modal != nil {
		comps := modal.Components
		if comps == nil {
			comps = []discordgo.MessageComponent{}
		}
		data := struct {
			CustomID   string                       `json:"custom_id"`
			Components []discordgo.MessageComponent `json:"components"`
		}{modal.CustomID, comps}
		if raw, err = setField(raw, "data", data); err != nil {
			return nil, err
		}
	}
	if i.Message != nil {
		msg, err := marshalMessage(i.Message)
		if err != nil {
			return nil, err
		}
		if raw, err = setField(raw, "message", msg); err != nil {
			return nil, err
		}
	}
	return raw, nil
}
