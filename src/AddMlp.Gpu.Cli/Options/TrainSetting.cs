using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// One option of `train` that defines the run (an entry of <see cref="TrainOptionTable"/>): its command-line
/// option (name, help, parser, default, completion), its key in config and model files, and the
/// <see cref="TrainOptions"/> property it sets, by which <see cref="OptionProblem"/> and
/// <see cref="ResumePoint.MayChange"/> name it.
/// </summary>
internal abstract class TrainSetting(string key, string property)
{
    /// <summary>The key in a config or model file: the training block's ("lr"), or architecture.hidden, architecture.activation, dtype.</summary>
    public string Key { get; } = key;

    /// <summary>The <see cref="TrainOptions"/> property it sets ("Hidden" and "Activation" for the architecture's).</summary>
    public string Property { get; } = property;

    /// <summary>Whether a sweep may vary it: it changes what the run computes, not only where or how fast.</summary>
    public bool Sweepable { get; init; } = true;

    /// <summary>Whether its values are whole numbers (which says how one out of bounds is worded).</summary>
    public bool Whole { get; init; }

    public abstract Option Option { get; }

    /// <summary>The options with this one's value in <paramref name="parse"/>.</summary>
    public abstract TrainOptions Apply(TrainOptions options, ParseResult parse);

    /// <summary>Its value in <paramref name="parse"/>, for comparing.</summary>
    public abstract object? Value(ParseResult parse);

    /// <summary>Whether two parses give it the same value.</summary>
    public bool Same(ParseResult a, ParseResult b) =>
        (Value(a), Value(b)) is (int[] x, int[] y) ? x.SequenceEqual(y) : Equals(Value(a), Value(b));

    /// <summary>How a message names it when it came from a config file: training.lr, architecture.hidden, dtype.</summary>
    public string ConfigName => Key.Contains('.') || Key == "dtype" ? Key : $"training.{Key}";
}

/// <inheritdoc cref="TrainSetting"/>
internal sealed class TrainSetting<T>(string key, string property, Option<T> option, Func<T, TrainOptions, TrainOptions> set)
    : TrainSetting(key, property)
{
    public override Option Option => option;

    public override TrainOptions Apply(TrainOptions options, ParseResult parse) => set(parse.GetValue(option)!, options);

    public override object? Value(ParseResult parse) => parse.GetValue(option);
}
