package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-isolate/isolate/runtime"
)

func ExampleSpawn() {
	ctx := context.Background()
	replies := runtime.NewReceivePort[string](ctx)
	defer replies.Close()

	type job struct {
		Word  string
		Reply runtime.SendPort[string]
	}
	iso, err := runtime.Spawn(ctx, func(ctx context.Context, j job) {
		j.Reply.Send(strings.ToUpper(j.Word))
	}, job{Word: "isolated", Reply: replies.SendPort()})
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, _ := replies.Receive(ctx)
	fmt.Println(msg)
	fmt.Println(iso.Wait(ctx))
	// Output:
	// ISOLATED
	// <nil>
}

func ExampleRun() {
	// The result is moved back, not copied: the worker has ended.
	primes, err := runtime.Run(context.Background(), func(ctx context.Context) ([]int, error) {
		var ps []int
		for n := 2; len(ps) < 5; n++ {
			isPrime := true
			for _, p := range ps {
				if n%p == 0 {
					isPrime = false
				}
			}
			if isPrime {
				ps = append(ps, n)
			}
		}
		return ps, nil
	})
	fmt.Println(primes, err)
	// Output: [2 3 5 7 11] <nil>
}

func ExampleExit() {
	ctx := context.Background()
	results := runtime.NewReceivePort[[]string](ctx)
	defer results.Close()

	iso, _ := runtime.Spawn(ctx, func(ctx context.Context, out runtime.SendPort[[]string]) {
		lines := []string{"built", "in", "the", "isolate"}
		runtime.Exit(ctx, out, lines) // moves lines and ends the isolate
	}, results.SendPort())
	lines, _ := results.Receive(ctx)
	fmt.Println(lines, iso.Wait(ctx))
	// Output: [built in the isolate] <nil>
}

func ExampleNewReceivePort() {
	ctx := context.Background()
	// Made outside an isolate, the port belongs to none and lives until Close.
	port := runtime.NewReceivePort[int](ctx)
	sp := port.SendPort()
	for i := range 3 {
		sp.Send(i)
	}
	for v := range port.All(ctx) {
		fmt.Println(v)
		if v == 2 {
			break
		}
	}
	port.Close()
	fmt.Println(sp.Send(3))
	// Output:
	// 0
	// 1
	// 2
	// isolate: port closed
}

func ExampleIsolate_Kill() {
	ctx := context.Background()
	iso, _ := runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) {
		in := runtime.NewReceivePort[int](ctx)
		_, err := in.Receive(ctx) // blocks until killed
		fmt.Println("receive:", err)
	}, struct{}{})
	iso.Ping(ctx) // answered once the isolate is blocked in Receive
	iso.Kill(runtime.Immediate)
	fmt.Println("wait:", iso.Wait(ctx))
	// Output:
	// receive: isolate: killed
	// wait: isolate: killed
}

func ExampleIsolate_Pause() {
	ctx := context.Background()
	hello := runtime.NewReceivePort[runtime.SendPort[string]](ctx)
	defer hello.Close()
	echoes := runtime.NewReceivePort[string](ctx)
	defer echoes.Close()

	type start struct {
		Hello runtime.SendPort[runtime.SendPort[string]]
		Echo  runtime.SendPort[string]
	}
	iso, _ := runtime.Spawn(ctx, func(ctx context.Context, s start) {
		in := runtime.NewReceivePort[string](ctx)
		s.Hello.Send(in.SendPort())
		for msg := range in.All(ctx) {
			s.Echo.Send(msg)
		}
	}, start{hello.SendPort(), echoes.SendPort()})
	in, _ := hello.Receive(ctx)

	c := iso.Pause()
	in.Send("held") // succeeds, waits in the port
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err := echoes.Receive(short)
	cancel()
	fmt.Println("while paused:", errors.Is(err, context.DeadlineExceeded))

	iso.Resume(c)
	msg, _ := echoes.Receive(ctx)
	fmt.Println("after resume:", msg)

	iso.Kill(runtime.BeforeNextEvent)
	iso.Wait(ctx)
	// Output:
	// while paused: true
	// after resume: held
}

func ExampleRunOn() {
	ctx := context.Background()
	pool, err := runtime.NewPool(ctx, 4) // four warm isolates
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	// Each call runs on a free isolate of the pool, waiting for one if all
	// are busy; the result is moved back, as with Run.
	sum, err := runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) {
		s := 0
		for i := 1; i <= 100; i++ {
			s += i
		}
		return s, nil
	})
	fmt.Println(sum, err)
	// A panic reaches the caller as a *RemoteError; the pool replaces the
	// isolate and goes on.
	_, err = runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) {
		var m map[string]int
		m["boom"] = 1
		return 0, nil
	})
	var re *runtime.RemoteError
	fmt.Println(errors.As(err, &re), pool.Size())
	// Output:
	// 5050 <nil>
	// true 4
}

func ExamplePool_Close() {
	ctx := context.Background()
	pool, _ := runtime.NewPool(ctx, 2)
	pool.Close() // waits for running calls; leaves no goroutine
	_, err := runtime.RunOn(ctx, pool, func(ctx context.Context) (int, error) { return 1, nil })
	fmt.Println(err == runtime.ErrClosed)
	// Output:
	// true
}

func ExampleSpawnPortPool() {
	ctx := context.Background()
	type job struct {
		N     int
		Reply runtime.SendPort[string]
	}
	// Three isolates serve one shared port; each keeps its own count.
	jobs, pool, err := runtime.SpawnPortPool(ctx, 3, func(ctx context.Context, jobs *runtime.ReceivePort[job]) {
		served := 0 // this isolate's own state
		for j := range jobs.All(ctx) {
			served++
			j.Reply.Send(strings.Repeat("*", j.N))
		}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	replies := runtime.NewReceivePort[string](ctx)
	defer replies.Close()
	for n := 1; n <= 3; n++ {
		jobs.Send(job{N: n, Reply: replies.SendPort()})
	}
	total := 0
	for range 3 {
		s, _ := replies.Receive(ctx)
		total += len(s)
	}
	fmt.Println(total)
	pool.Close()
	// Output:
	// 6
}
