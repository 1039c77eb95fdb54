package bot

// Kind says how a request reached the bot.
type Kind int

// The kinds of request.
const (
	KindCommand      Kind = iota + 1 // a slash command
	KindAutocomplete                 // a slash command option being typed
	KindButton                       // a button under an earlier reply
	KindMessageMenu                  // the "Ask agreementbot" message context menu
	KindMessage                      // a direct message, or a message mentioning the bot
)

// Command and option names, as registered and as Request carries them.
const (
	cmdAsk      = "ask"
	cmdSources  = "sources"
	cmdFact     = "fact"
	cmdHelp     = "help"
	cmdReload   = "reload"
	cmdStats    = "stats"
	cmdAskMenu  = "Ask agreementbot" // message context-menu command
	optQuestion = "question"
	optPrivate  = "private"
	optID       = "id"
	optFile     = "file"
)

// Request is one thing a user asked of the bot, stripped of transport.
type Request struct {
	ID       string // interaction or message id, for logs
	Kind     Kind
	Command  string            // slash command name
	Options  map[string]string // slash command options, as text
	Focused  string            // the option being typed (autocomplete)
	CustomID string            // the button pressed
	Text     string            // a message's text, or the message-menu target's text
	UserID   string
	GuildID  string // empty in DMs
	// MessageTitle is, for a button, the title of the first embed of the
	// message it is under: an answer's "Q: {question}", which More reads
	// its question back from (see titleQuestions). Empty when that
	// message has no embed.
	MessageTitle string
	// Locale is the member's Discord locale ("es-419", "en-US") for an
	// interaction; empty for a message, which has none. Replies speak its
	// language (see replyLanguage).
	Locale string
	// ManageServer says the member has the Manage Server or Administrator
	// permission where they asked (guild requests only); Roles are their
	// role ids.
	ManageServer bool
	Roles        []string
	// Attachment is a file attached to the command (for /reload).
	Attachment *Attachment
}

// Attachment is a file a user attached to a request.
type Attachment struct {
	Name string // the file name the user gave it
	URL  string // where to download it
	Size int64  // in bytes, as the transport reports it
}

// Reply is what the bot answers with.
type Reply struct {
	Content string
	Embeds  []Embed
	// Buttons are laid out in rows, top to bottom.
	Buttons [][]Button
	// Ephemeral replies are seen only by the asker.
	Ephemeral bool
	// Choices answer an autocomplete request.
	Choices []Choice

	// abstained says the reply tells a member the sources do not answer
	// their question (or offers no completion), for the Observer;
	// tentative that it gives only the closest fact, unsure it answers.
	abstained, tentative bool
}

// Embed is a card in a reply: a title, a description, titled fields and
// a footer, with a colour down its side.
type Embed struct {
	Title       string
	Description string
	Color       int // 0xRRGGBB
	Fields      []EmbedField
	Footer      string
}

// EmbedField is one titled section of an embed.
type EmbedField struct {
	Name  string
	Value string
}

// ButtonStyle is how a button looks.
type ButtonStyle int

// The button styles the bot uses.
const (
	ButtonPrimary   ButtonStyle = iota + 1 // the thing to do next
	ButtonSecondary                        // a way to see more
)

// Button is a button under a reply; pressing it sends a KindButton request
// with its CustomID.
type Button struct {
	Label    string
	CustomID string
	Style    ButtonStyle
}

// Choice is one autocomplete suggestion: Name is shown, Value is what the
// option gets.
type Choice struct {
	Name  string
	Value string
}
