namespace AddMlp.Gpu;

/// <summary>Options that make no run: <see cref="Problems"/> says which and why (the first of them is the message).</summary>
public sealed class InvalidTrainOptionsException(IReadOnlyList<OptionProblem> problems)
    : ArgumentException(problems[0].ToString(), "options")
{
    public IReadOnlyList<OptionProblem> Problems { get; } = problems;
}
