using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// A run's <see cref="TrainOptions"/> from the command line over a basis (a --config file, or the run --resume
/// continues) over the defaults, checked by <see cref="TrainOptions"/>' own rules, whose problems it words in
/// the table's names: the command line's, or the file's for a setting the file gave.
/// </summary>
/// <param name="basis">The basis parsed as words (<see cref="RunSettings"/>); null when there is none.</param>
/// <param name="basisName">How messages name the basis: "--config 'run.json'", "model file 'm.json'".</param>
/// <param name="basisIsConfig">Whether the basis is a config file, whose settings are the user's; a resumed run's are the run's own.</param>
internal sealed class TrainOptionReader(IReadOnlyList<TrainSetting> table, ParseResult user, ParseResult? basis, string? basisName, bool basisIsConfig)
{
    /// <summary>The options, or a <see cref="UsageException"/> naming the first thing wrong with them.</summary>
    public TrainOptions Read()
    {
        TrainOptions options = table.Aggregate(new TrainOptions(), (o, setting) => setting.Apply(o, SourceOf(setting)));
        // A setting the user gave that this run would not use: they expected it to matter.
        foreach (OptionProblem unused in options.Unused())
        {
            if (table.FirstOrDefault(s => s.Property == unused.Option) is not { } setting)
                continue; // not an option of this command: nobody gave it
            if (OnCommandLine(setting))
                throw Usage(unused, inFileWords: false);
            if (basisIsConfig && basis!.GetResult(setting.Option) is { Implicit: false } && !setting.Same(basis, user))
                throw Usage(unused, inFileWords: true); // a config file's value other than the default (files addmlp writes hold every setting)
        }
        if (options.Problems() is [OptionProblem first, ..])
            throw Usage(first, inFileWords: false);
        return options;
    }

    /// <summary>The options given on the command line that differ from the basis's, less those in <paramref name="mayChange"/> (property names).</summary>
    public IEnumerable<TrainSetting> Changed(IReadOnlyList<string> mayChange) =>
        table.Where(s => OnCommandLine(s) && !mayChange.Contains(s.Property) && !s.Same(user, basis!));

    private bool OnCommandLine(TrainSetting setting) => user.GetResult(setting.Option) is { Implicit: false };

    private ParseResult SourceOf(TrainSetting setting) => basis is null || OnCommandLine(setting) ? user : basis;

    private TrainSetting Setting(string property) => table.Single(s => s.Property == property);

    /// <summary>How a message names a property: its option's name, or, for one this command does not take, the property's own.</summary>
    private string NameOf(string property) => table.FirstOrDefault(s => s.Property == property)?.Option.Name ?? property;

    /// <summary>
    /// The problem in one line, prefixed with the basis's name when the setting at fault came from it. In the
    /// file's words (training.lr_min applies to lr_schedule cosine) for a file's setting the run would not use;
    /// otherwise in the command line's, as a file's values are parsed as its words.
    /// </summary>
    private UsageException Usage(OptionProblem problem, bool inFileWords)
    {
        TrainSetting subject = Setting(problem.Option);
        ParseResult source = SourceOf(subject);
        string prefix = source == basis ? $"{basisName}: " : "";
        if (problem.Bounds is Bounds bounds)
        {
            string text = source.GetResult(subject.Option)?.Tokens.FirstOrDefault()?.Value ?? subject.Value(source)?.ToString() ?? "";
            return new UsageException(prefix + SharedOptions.OutOfBounds(subject.Option.Name, bounds, text, subject.Whole));
        }
        return new UsageException(prefix + problem.Describe(property =>
            !inFileWords ? NameOf(property) : property == problem.Option ? subject.ConfigName : Setting(property).Key));
    }
}
