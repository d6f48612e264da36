namespace AddMlp.Gpu;

/// <summary>The names statuses have in files: completed, target_reached, interrupted, diverged.</summary>
public static class TrainStatusNames
{
    public static string Name(this TrainStatus status) => status switch
    {
        TrainStatus.Completed => "completed",
        TrainStatus.TargetReached => "target_reached",
        TrainStatus.Interrupted => "interrupted",
        TrainStatus.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
