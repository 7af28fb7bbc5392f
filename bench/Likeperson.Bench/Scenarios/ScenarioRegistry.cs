namespace Likeperson.Bench.Scenarios;

/// <summary>Every scenario, in the order a full run takes them. Add yours on its own line.</summary>
public static class ScenarioRegistry
{
    public static readonly IScenario[] All =
    [
        new TransitionsScenario(),
        new RosterScenario(),
        new AssignmentsScenario(),
        new PushScenario(),
        new JobsScenario(),
        new StreamScenario(),
        new EngagementScenario(),
        new ReadsScenario(),
        new BatchScenario(),
        new BusyOrgScenario(),
    ];
}
