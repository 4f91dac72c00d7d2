package pdfdoc

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// The engine is PDFium compiled to WebAssembly and run by wazero: pure Go,
// no cgo. One pool of instances serves the whole process. It is started on
// first use, because compiling the 5.8 MB module costs seconds without the
// compilation cache and a file that fails the structural rules never needs
// it.

// EngineMode says how a call that runs past its time limit is stopped.
type EngineMode string

// The engine modes.
const (
	// Fast runs PDFium as compiled. A call past its limit is abandoned:
	// the caller gets a *KilledError at once, the call runs on in the
	// background and its instance is destroyed when it returns. A call
	// that never returns keeps one core and one instance until the process
	// ends. This is the default: no hang was seen in PDFium on 6,200
	// mutated files, and short-lived processes (the CLI, CI) end anyway.
	Fast EngineMode = "fast"
	// Interruptible compiles PDFium with wazero's termination checks (a
	// check on every loop), so a call past its limit is stopped and its
	// instance destroyed at once. PDFium then runs about 8 times slower
	// (parsing a letter page: 1 ms instead of 0.12 ms). For long-running
	// services on untrusted input.
	Interruptible EngineMode = "interruptible"
)

// EngineModeEnv names the environment variable that sets the engine mode
// ("fast" or "interruptible") when SetEngineMode was not called.
const EngineModeEnv = "LETTERGATE_ENGINE"

// EngineInfo describes the state of the process-wide PDFium pool.
type EngineInfo struct {
	Started   bool
	Mode      EngineMode
	StartTime time.Duration // how long the start took (module compile and pool)
	CacheDir  string        // the wazero compilation cache in use; "" when none
	CacheErr  error         // why the cache is not used, when it is not
	Instances int           // the pool size: at most this many Rasters hold an instance at once
	// Abandoned counts calls abandoned by the watchdog (Fast mode) that
	// have not returned yet; each holds an instance of the pool.
	Abandoned int
}

// engineMemoryPages caps the WebAssembly memory of one instance (64 KiB
// pages): 1 GiB, so a hostile file cannot take the machine's memory. PDFium
// fails the call when it runs out, and the instance is replaced.
const engineMemoryPages = 16384

var engine struct {
	mu   sync.Mutex
	mode EngineMode // "" until set or started
	pool pdfium.Pool
	// slots holds a token for each instance taken from the pool and not
	// yet closed or destroyed (abandoned calls' included), so that a file
	// can ask for another instance without waiting (see Raster.EachPage).
	slots     chan struct{}
	info      EngineInfo
	abandoned atomic.Int64
}

// SetEngineMode chooses how runaway calls are stopped. It must be called
// before the engine starts; afterwards it fails unless the mode is the one
// already running.
func SetEngineMode(m EngineMode) error {
	if m != Fast && m != Interruptible {
		return fmt.Errorf("engine mode %q: want %q or %q", m, Fast, Interruptible)
	}
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.pool != nil && engine.info.Mode != m {
		return fmt.Errorf("the PDFium engine already runs in %s mode", engine.info.Mode)
	}
	engine.mode = m
	return nil
}

// StartEngine starts the PDFium pool now, if it has not started yet. Use it
// to pay the start-up cost at a convenient time; [OpenRaster] starts the
// pool on its own otherwise.
func StartEngine(ctx context.Context) error {
	_, _, err := enginePool(ctx)
	return err
}

// Engine returns the state of the PDFium pool.
func Engine() EngineInfo {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	info := engine.info
	info.Abandoned = int(engine.abandoned.Load())
	return info
}

func engineMode() EngineMode {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	return engine.info.Mode
}

func enginePool(ctx context.Context) (pdfium.Pool, chan struct{}, error) {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.pool != nil {
		return engine.pool, engine.slots, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	mode := engine.mode
	if mode == "" {
		mode = Fast
		if env := EngineMode(os.Getenv(EngineModeEnv)); env != "" {
			if env != Fast && env != Interruptible {
				return nil, nil, fmt.Errorf("%s=%q: want %q or %q", EngineModeEnv, env, Fast, Interruptible)
			}
			mode = env
		}
	}
	start := time.Now()
	n := runtime.GOMAXPROCS(0)
	rc := wazero.NewRuntimeConfig().
		// The bundled module lowers setjmp/longjmp to WebAssembly exceptions.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(mode == Interruptible).
		WithMemoryLimitPages(engineMemoryPages)
	dir, cacheErr := compilationCacheDir()
	if cacheErr == nil {
		// wazero keys its cache by the termination checks too, so both
		// modes share the folder.
		cache, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			cacheErr = err
		} else {
			rc = rc.WithCompilationCache(cache)
		}
	}
	if cacheErr != nil {
		dir = ""
	}
	pool, err := initPool(webassembly.Config{
		// The compile runs on all cores.
		Context:       experimental.WithCompilationWorkers(context.Background(), n),
		MinIdle:       0,
		MaxIdle:       n,
		MaxTotal:      n,
		RuntimeConfig: rc,
		// No file system: PDFium reads only the bytes we hand it.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
		// Keep an instance (and its warm font caches) from one file to the
		// next; a killed instance is destroyed by the pool instead.
		ReuseWorkers: true,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("starting PDFium: %w", err)
	}
	engine.pool = pool
	engine.slots = make(chan struct{}, n)
	engine.info = EngineInfo{Started: true, Mode: mode, StartTime: time.Since(start), CacheDir: dir, CacheErr: cacheErr, Instances: n}
	return pool, engine.slots, nil
}

// initPool runs webassembly.Init under recover: a failure to start the
// engine is an error, never a crash.
func initPool(cfg webassembly.Config) (pool pdfium.Pool, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return webassembly.Init(cfg)
}

// compilationCacheDir returns the folder for wazero's compiled code,
// os.UserCacheDir()/lettergate/wazero, after checking that it can be
// written: without the cache every process compiles the module again
// (seconds), but works.
func compilationCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "lettergate", "wazero")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return "", err
	}
	return dir, nil
}
