using System.Text.RegularExpressions;

namespace AddMlp.Gpu;

/// <summary>
/// What is wrong with one of a run's options (<see cref="TrainOptions.Problems"/>), or why a run does not use
/// it (<see cref="TrainOptions.Unused"/>). Options are named by their <see cref="TrainOptions"/> property
/// ("LearningRate"; "Hidden" and "Activation" for the <see cref="Architecture"/>'s), in <see cref="Reason"/> as
/// {LearningRate}, so that whoever shows the problem names them as its users know them (<see cref="Describe"/>).
/// </summary>
/// <param name="Option">The option at fault.</param>
/// <param name="Reason">What is wrong, other options named in braces.</param>
/// <param name="Bounds">For a value out of its option's bounds: the bounds; otherwise null.</param>
public sealed partial record OptionProblem(string Option, string Reason, Bounds? Bounds = null)
{
    /// <summary>A value outside its option's bounds.</summary>
    public static OptionProblem OutOfBounds(string option, Bounds bounds) => new(option, $"{{{option}}} must be {bounds}", bounds);

    /// <summary>The reason with each option in it named by <paramref name="name"/>.</summary>
    public string Describe(Func<string, string> name) => OptionReference().Replace(Reason, m => name(m.Groups[1].Value));

    /// <summary>The options <see cref="Reason"/> names, in order.</summary>
    public IEnumerable<string> Mentions => OptionReference().Matches(Reason).Select(m => m.Groups[1].Value);

    public override string ToString() => Describe(option => option);

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex OptionReference();
}
