package redisstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// PublishTimeout bounds announcing a reload.
const PublishTimeout = 2 * time.Second

// Store is the library as the replicas' reload announcements use it.
type Store interface {
	// StoreVersion is the version of the store file as it is now.
	StoreVersion() library.StoreVersion
	// Refresh loads the store file when it is a version the library has
	// not loaded, reporting whether it did.
	Refresh(ctx context.Context) (rep knowledge.ReloadReport, loaded bool, err error)
}

// Peers tells the other replicas sharing the client's Redis of this
// replica's reloads, and loads the (shared) store file when they announce
// theirs, so that every replica serves a reload at once rather than when
// its store watcher next looks.
type Peers struct {
	c   *Client
	id  string // this replica's id, the payload of its announcements
	log *slog.Logger

	mu    sync.Mutex
	heard library.StoreVersion // the version on disk when another replica last announced a reload
}

// Peers returns the announcements of this replica, under an id of its
// own.
func (c *Client) Peers(log *slog.Logger) *Peers {
	return &Peers{c: c, id: replicaID(), log: log}
}

// replicaID names this process: host, pid and a random part.
func replicaID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Loaded is the library's load hook (library.WithOnLoad): it announces
// the reload to the other replicas, in the background, unless it loaded
// the version of the store another replica announced, so that nothing
// loops.
func (p *Peers) Loaded(_ knowledge.ReloadReport, v library.StoreVersion) {
	if !p.announces(v) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), PublishTimeout)
		defer cancel()
		if err := p.c.PublishReload(ctx, p.id); err != nil {
			p.log.Debug("could not tell the other replicas of the reload", "error", err)
		}
	}()
}

// AnnounceStore tells the replicas listening ([Peers.Listen]) that a
// writer serving nothing, such as the ingest command, has rewritten the
// store file, as a replica announces its reloads, so that they load it at
// once. writer names it in the announcement, before an id of its own.
func (c *Client) AnnounceStore(ctx context.Context, writer string) error {
	ctx, cancel := context.WithTimeout(ctx, PublishTimeout)
	defer cancel()
	return c.PublishReload(ctx, writer+"-"+replicaID())
}

// announces reports whether a load of version v of the store is this
// replica's to announce: it is not the version on disk when another
// replica last announced a reload.
func (p *Peers) announces(v library.StoreVersion) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !v.Same(p.heard)
}

// Listen loads the store whenever another replica announces a reload,
// until ctx ends; report is told of each load, or failed load. A load
// caused this way is not announced again (see Loaded). It also keeps
// watch on Redis (see [Client.Watch]).
func (p *Peers) Listen(ctx context.Context, lib Store, report func(knowledge.ReloadReport, error)) {
	p.c.Watch(ctx, p.id, func(from string) {
		p.log.Debug("reload announced", "by", from)
		p.mu.Lock()
		p.heard = lib.StoreVersion()
		p.mu.Unlock()
		go func() {
			if rep, loaded, err := lib.Refresh(ctx); loaded || err != nil {
				report(rep, err)
			}
		}()
	})
}
