package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/redisstate"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// publishTimeout bounds announcing a reload.
const publishTimeout = 2 * time.Second

// peers tells the other replicas sharing the Redis of redis.url of this
// replica's reloads, and loads the store when they announce theirs. With
// no Redis it does nothing.
type peers struct {
	rc     *redisstate.Client // nil: no Redis
	id     string             // this replica's id, the payload of its announcements
	lib    *library.Library
	dbPath string
	log    *slog.Logger

	mu     sync.Mutex
	loaded os.FileInfo // the store version last loaded or written here
}

// newPeers returns the peers of a replica serving lib from dbPath.
func newPeers(rc *redisstate.Client, lib *library.Library, dbPath string, log *slog.Logger) *peers {
	p := &peers{rc: rc, id: replicaID(), lib: lib, dbPath: dbPath, log: log}
	p.markLoaded()
	return p
}

// replicaID names this process: host, pid and a random part.
func replicaID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// markLoaded records the store file as it is now as loaded here, and
// reports whether it was already.
func (p *peers) markLoaded() (already bool) {
	fi, err := os.Stat(p.dbPath)
	if p.dbPath == "" || err != nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	already = sameVersion(fi, p.loaded)
	p.loaded = fi
	return already
}

// isLoaded reports whether the store file as it is now was loaded here.
func (p *peers) isLoaded() bool {
	fi, err := os.Stat(p.dbPath)
	if p.dbPath == "" || err != nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return sameVersion(fi, p.loaded)
}

// sameVersion reports whether a and b describe the same version of the
// store file (an atomic rebuild always makes a new file).
func sameVersion(a, b os.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// reloaded is called after each successful reload here (trigger is a
// bot.Reload... constant) and announces it, unless it only loaded a store
// version another replica has already announced.
func (p *peers) reloaded(trigger string) {
	if p.markLoaded() && trigger == bot.ReloadStore {
		return
	}
	if p.rc == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
		defer cancel()
		if err := p.rc.PublishReload(ctx, p.id); err != nil {
			p.log.Debug("could not tell the other replicas of the reload", "error", err)
		}
	}()
}

// listen loads the store whenever another replica announces a reload,
// until ctx ends; report is told of each load. Reloads caused this way are
// not announced again. It also keeps watch on Redis (see
// redisstate.Client.Watch).
func (p *peers) listen(ctx context.Context, report func(knowledge.ReloadReport, error)) {
	if p.rc == nil {
		return
	}
	p.rc.Watch(ctx, p.id, func(from string) {
		p.log.Debug("reload announced", "by", from)
		if !p.isLoaded() {
			go p.loadStore(ctx, report)
		}
	})
}

// loadStore loads the store file now, if it is a version this replica
// has not loaded yet.
func (p *peers) loadStore(ctx context.Context, report func(knowledge.ReloadReport, error)) {
	rep, loaded, err := p.lib.Refresh(ctx)
	if loaded {
		p.markLoaded()
	}
	if loaded || err != nil {
		report(rep, err)
	}
}

// announcing is an Observer that also tells peers of each successful
// reload.
type announcing struct {
	bot.Observer
	peers *peers
}

// Reload reports the reload, and announces it when it succeeded.
func (a announcing) Reload(trigger string, ok bool) {
	a.Observer.Reload(trigger, ok)
	if ok {
		a.peers.reloaded(trigger)
	}
}
