using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>A rollout in groups (issue 24, point 3): the groups, and what follows each group.</summary>
[Category("Core")]
public class RolloutPlanTests
{
    private static readonly IReadOnlyList<EnvironmentHost> Three = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"].Hosts;

    private static IReadOnlyList<EnvironmentHost> Hosts(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Three[0] with { Name = $"h{i}" })];

    private static string[] Sizes(int hosts, RolloutSettings rollout) => [.. RolloutPlan.Groups(Hosts(hosts), rollout).Select(g => string.Join(",", g.Select(h => h.Name)))];

    [Test]
    public void Groups_keep_the_files_order_a_count_cuts_evenly_and_the_last_group_takes_the_rest()
    {
        Assert.That(Sizes(3, RolloutSettings.OneAtATime), Is.EqualTo(new[] { "h0", "h1", "h2" }));
        Assert.That(Sizes(5, new RolloutSettings(2, null, 0)), Is.EqualTo(new[] { "h0,h1", "h2,h3", "h4" }));
        Assert.That(Sizes(2, new RolloutSettings(5, null, 0)), Is.EqualTo(new[] { "h0,h1" }));
    }

    [Test]
    public void A_canary_runs_on_the_first_group_only_and_the_later_groups_take_the_release_start_first()
    {
        IReadOnlyList<EnvironmentHost> canaries = [.. Hosts(5).Select(h => h with { Environment = h.Environment with { Strategy = QtsOps.Core.Deployment.DeployStrategy.Canary } })];

        var strategies = RolloutPlan.CanaryOnFirstGroup(canaries, new RolloutSettings(2, null, 0)).Select(h => $"{h.Name} {h.Environment.Strategy}");

        Assert.That(strategies, Is.EqualTo(new[] { "h0 Canary", "h1 Canary", "h2 StartFirst", "h3 StartFirst", "h4 StartFirst" }));
        Assert.That(RolloutPlan.CanaryOnFirstGroup(Hosts(3), RolloutSettings.OneAtATime), Is.EqualTo(Hosts(3)), "another strategy is left as it is");
    }

    [TestCase(3, 34, 2)]
    [TestCase(3, 33, 1)]
    [TestCase(10, 25, 3)]
    [TestCase(2, 1, 1)]
    [TestCase(4, 100, 4)]
    public void A_percentage_rounds_up_and_takes_at_least_one_host(int hosts, int percent, int groupSize) =>
        Assert.That(RolloutPlan.Groups(Hosts(hosts), new RolloutSettings(null, percent, 0))[0], Has.Count.EqualTo(groupSize));

    private static IReadOnlyList<IReadOnlyList<EnvironmentHost>> OneByOne => RolloutPlan.Groups(Three, new RolloutSettings(1, null, 15));

    [Test]
    public void A_verified_group_continues_after_the_wait_and_the_last_one_finishes()
    {
        var afterFirst = RolloutPlan.After(OneByOne, 0, [new("east", true, true)], new RolloutSettings(1, null, 15), true, "1.3.0");
        var afterLast = RolloutPlan.After(OneByOne, 2, [new("east", true, true), new("west", true, true), new("north", true, true)], new RolloutSettings(1, null, 15), true, "1.3.0");

        Assert.That((afterFirst.Action, afterFirst.WaitSeconds, afterFirst.Summary), Is.EqualTo((RolloutAction.Continue, 15, "group 1 of 3 verified (east); next: west")));
        Assert.That((afterLast.Action, afterLast.Summary), Is.EqualTo((RolloutAction.Finished, "1.3.0 verified on every host: east, west, north")));
    }

    [Test]
    public void A_failed_host_with_automatic_rollback_sends_every_switched_host_back()
    {
        var decision = RolloutPlan.After(OneByOne, 1, [new("east", true, true), new("west", true, false)], RolloutSettings.OneAtATime, true, "1.3.0");

        Assert.That((decision.Action, decision.FailedHosts, decision.HostsToRollBack, decision.HostsOnRelease),
            Is.EqualTo((RolloutAction.RollBack, new[] { "west" }, new[] { "east", "west" }, Array.Empty<string>())));
        Assert.That(decision.Summary, Is.EqualTo("1.3.0 failed on west; east, west go back to their last verified release"));
    }

    [Test]
    public void A_host_that_failed_before_switching_is_not_rolled_back()
    {
        var decision = RolloutPlan.After(OneByOne, 0, [new("east", false, false)], RolloutSettings.OneAtATime, true, "1.3.0");

        Assert.That((decision.Action, decision.HostsToRollBack), Is.EqualTo((RolloutAction.RollBack, Array.Empty<string>())));
        Assert.That(decision.Summary, Does.EndWith("no host switched to it, every host still runs its last verified release"));
    }

    [Test]
    public void A_failed_host_without_rollback_stops_and_says_the_environment_is_mixed()
    {
        var decision = RolloutPlan.After(OneByOne, 1, [new("east", true, true), new("west", true, false)], RolloutSettings.OneAtATime, false, "1.3.0");

        Assert.That((decision.Action, decision.HostsToRollBack, decision.HostsOnRelease),
            Is.EqualTo((RolloutAction.StopMixed, Array.Empty<string>(), new[] { "east", "west" })));
        Assert.That(decision.Summary, Is.EqualTo("1.3.0 failed on west; rollback is off, so the environment is mixed: east, west on 1.3.0, north on their previous release"));
    }

    [Test]
    public void A_failure_without_rollback_before_any_switch_or_on_the_last_host_says_only_what_is_so()
    {
        var none = RolloutPlan.After(OneByOne, 0, [new("east", false, false)], RolloutSettings.OneAtATime, false, "1.3.0");
        var last = RolloutPlan.After(OneByOne, 2, [new("east", true, true), new("west", true, true), new("north", true, false)], RolloutSettings.OneAtATime, false, "1.3.0");

        Assert.That(none.Summary, Is.EqualTo("1.3.0 failed on east; rollback is off, but no host switched to it"));
        Assert.That(last.Summary, Is.EqualTo("1.3.0 failed on north; rollback is off, so the environment is mixed: east, west, north on 1.3.0"));
    }

    [Test]
    public void No_hosts_make_no_groups_and_no_canary()
    {
        Assert.That(RolloutPlan.Groups([], new RolloutSettings(null, 50, 0)), Is.Empty);
        Assert.That(RolloutPlan.CanaryOnFirstGroup([], RolloutSettings.OneAtATime), Is.Empty);
    }

    [Test]
    public void A_signal_during_a_group_that_verified_stops_before_the_next_group_and_names_who_got_the_release()
    {
        var decision = RolloutPlan.After(OneByOne, 0, [new("east", true, true)], RolloutSettings.OneAtATime, true, "1.3.0", "SIGINT (Ctrl-C)");

        Assert.That((decision.Action, decision.HostsOnRelease, decision.HostsToRollBack), Is.EqualTo((RolloutAction.Interrupted, new[] { "east" }, Array.Empty<string>())));
        Assert.That(decision.Summary, Is.EqualTo("SIGINT (Ctrl-C) during group 1 of 3: the rollout stopped once that group verified; east run 1.3.0, west, north were not reached and run their previous release"));
    }

    [Test]
    public void A_signal_during_the_last_group_finishes_and_a_failure_in_an_interrupted_group_still_rolls_back()
    {
        var last = RolloutPlan.After(OneByOne, 2, [new("east", true, true), new("west", true, true), new("north", true, true)], RolloutSettings.OneAtATime, true, "1.3.0", "SIGTERM");
        var failed = RolloutPlan.After(OneByOne, 1, [new("east", true, true), new("west", true, false)], RolloutSettings.OneAtATime, true, "1.3.0", "SIGTERM");

        Assert.That(last.Action, Is.EqualTo(RolloutAction.Finished), "every host has it: nothing is left to stop");
        Assert.That((failed.Action, failed.HostsToRollBack), Is.EqualTo((RolloutAction.RollBack, new[] { "east", "west" })));
    }

    [Test]
    public void A_canary_held_on_the_first_group_stops_the_rollout_there_naming_the_held_hosts_the_others_and_how_to_end_it()
    {
        IReadOnlyList<IReadOnlyList<EnvironmentHost>> inTwos = RolloutPlan.Groups(Three, new RolloutSettings(2, null, 0));

        var decision = RolloutPlan.After(inTwos, 0, [new("east", false, true, Held: true), new("west", false, true)], RolloutSettings.OneAtATime, true, "1.3.0");
        var signalled = RolloutPlan.After(OneByOne, 0, [new("east", false, true, Held: true)], RolloutSettings.OneAtATime, true, "1.3.0", "SIGINT (Ctrl-C)");
        var onlyGroup = RolloutPlan.After([Three], 0, [new("east", false, true, Held: true), new("west", false, true, Held: true), new("north", false, true, Held: true)],
            RolloutSettings.OneAtATime, true, "1.3.0");

        Assert.That((decision.Action, decision.HostsOnRelease, decision.HostsToRollBack, decision.FailedHosts),
            Is.EqualTo((RolloutAction.Hold, new[] { "east" }, Array.Empty<string>(), Array.Empty<string>())));
        Assert.That(decision.Summary, Is.EqualTo("east holds a canary of 1.3.0 (--canary-hold) and the rollout stops there; west already ran 1.3.0; " +
            "north were not reached and still run their previous release. End the canary with ./build.sh --target=promote (then ./build.sh --target=deploy " +
            "--strategy=canary of the same commit, without --canary-hold, rolls 1.3.0 out to the others) or ./build.sh --target=abort (every request back to the previous release)"));
        Assert.That(signalled.Action, Is.EqualTo(RolloutAction.Hold), "the hold stops the rollout as the signal would, and says so");
        Assert.That((onlyGroup.Action, onlyGroup.HostsOnRelease), Is.EqualTo((RolloutAction.Hold, new[] { "east", "west", "north" })), "a canary held on every host is no finished rollout");
        Assert.That(onlyGroup.Summary, Does.StartWith("east, west, north hold a canary of 1.3.0 (--canary-hold) and the rollout stops there. End the canary with "));
    }

    [Test]
    public void A_host_that_fails_beside_a_held_canary_is_handled_as_any_failure_and_the_held_canary_is_named_to_abort()
    {
        IReadOnlyList<IReadOnlyList<EnvironmentHost>> inTwos = RolloutPlan.Groups(Three, new RolloutSettings(2, null, 0));
        IReadOnlyList<HostOutcome> outcomes = [new("east", false, true, Held: true), new("west", true, false)];

        var rollback = RolloutPlan.After(inTwos, 0, outcomes, RolloutSettings.OneAtATime, true, "1.3.0");
        var mixed = RolloutPlan.After(inTwos, 0, outcomes, RolloutSettings.OneAtATime, false, "1.3.0");

        Assert.That((rollback.Action, rollback.FailedHosts, rollback.HostsToRollBack, rollback.HostsOnRelease),
            Is.EqualTo((RolloutAction.RollBack, new[] { "west" }, new[] { "west" }, new[] { "east" })),
            "the held host is no switched host: its canary is ended by promote or abort, not rolled back");
        Assert.That(rollback.Summary, Is.EqualTo("1.3.0 failed on west; west go back to their last verified release; east holds a canary of 1.3.0 (--canary-hold): end it with ./build.sh --target=abort"));
        Assert.That(mixed.Summary, Is.EqualTo("1.3.0 failed on west; rollback is off, so the environment is mixed: west on 1.3.0, north on their previous release; " +
            "east holds a canary of 1.3.0 (--canary-hold): end it with ./build.sh --target=abort"));
    }
}
