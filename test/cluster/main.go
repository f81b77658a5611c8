// Command cluster is one binary holding every process of the test control plane, so that Kubernetes is compiled
// and linked once: `cluster etcd|apiserver|controller-manager|scheduler|kwok [flags]` runs the upstream command
// with the upstream flags. test/cluster/control-plane.ts starts and stops them.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kwokconfig "sigs.k8s.io/kwok/pkg/config"
	kwok "sigs.k8s.io/kwok/pkg/kwok/cmd"
	kwoklog "sigs.k8s.io/kwok/pkg/log"
	"sigs.k8s.io/kwok/pkg/utils/signals"
)

const usage = "usage: cluster etcd|apiserver|controller-manager|scheduler|kwok [upstream flags]"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	stopWithParent()
	// The upstream commands read os.Args: make the subcommand their program name.
	os.Args = os.Args[1:]
	switch os.Args[0] {
	case "etcd":
		etcdmain.Main(os.Args)
	case "apiserver":
		os.Exit(cli.Run(apiserver.NewAPIServerCommand()))
	case "controller-manager":
		os.Exit(cli.Run(controllermanager.NewControllerManagerCommand()))
	case "scheduler":
		os.Exit(cli.Run(scheduler.NewSchedulerCommand()))
	case "kwok":
		os.Exit(runKwok())
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
}

// stopWithParent ends the process when the process that started it is gone (it is re-parented) or when the
// deadline in CLUSTER_DEADLINE (Unix seconds) passes, so that no control plane outlives its test run.
func stopWithParent() {
	parent := os.Getppid()
	deadline := int64(0)
	if raw := os.Getenv("CLUSTER_DEADLINE"); raw != "" {
		deadline, _ = strconv.ParseInt(raw, 10, 64)
	}
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			if os.Getppid() != parent {
				fmt.Fprintln(os.Stderr, "cluster: parent process gone, stopping")
				os.Exit(3)
			}
			if deadline > 0 && time.Now().Unix() > deadline {
				fmt.Fprintln(os.Stderr, "cluster: CLUSTER_DEADLINE passed, stopping")
				os.Exit(4)
			}
		}
	}()
}

// runKwok is kwok's own main (sigs.k8s.io/kwok/cmd/kwok) with its exit code returned.
func runKwok() int {
	flags := pflag.NewFlagSet("global", pflag.ContinueOnError)
	flags.ParseErrorsWhitelist.UnknownFlags = true
	flags.Usage = func() {}
	ctx := signals.SetupSignalContext()
	ctx, logger := kwoklog.InitFlags(ctx, flags)
	ctx, err := kwokconfig.InitFlags(ctx, flags)
	if err != nil {
		logger.Error("Init config flags", err)
		return 1
	}
	command := kwok.NewCommand(ctx)
	// The Kubernetes commands linked beside kwok register a global --version flag of their own type; cobra's boolean
	// one would collide with it.
	command.Version = ""
	command.PersistentFlags().AddFlagSet(flags)
	if err := command.ExecuteContext(ctx); err != nil {
		logger.Error("Execute exit", err)
		return 1
	}
	return 0
}
