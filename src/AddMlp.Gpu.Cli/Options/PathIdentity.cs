namespace AddMlp.Gpu.Cli;

/// <summary>
/// Whether two paths a command reads or writes are one file, however they are spelled: through a
/// symlinked folder, a hard link, "./x" against "x". An existing file is known by its device and inode;
/// one still to be made by its folder's device and inode and its name.
/// </summary>
public static class PathIdentity
{
    /// <summary>Throws <see cref="UsageException"/> naming both options when two of <paramref name="paths"/> are one file.</summary>
    public static void CheckDistinct(params (string Option, string Path)[] paths)
    {
        for (int i = 0; i < paths.Length; i++)
        {
            for (int j = i + 1; j < paths.Length; j++)
            {
                if (Of(paths[i].Path) == Of(paths[j].Path))
                {
                    string spelled = paths[i].Path == paths[j].Path ? "" : $" (as '{paths[j].Path}')";
                    throw new UsageException($"{paths[i].Option} and {paths[j].Option} both name '{paths[i].Path}'{spelled}: give them different paths");
                }
            }
        }
    }

    /// <summary>
    /// Throws <see cref="UsageException"/> when an output is one of the files the command reads, however
    /// either is spelled: an output never overwrites an input. <paramref name="mayReplace"/> names the
    /// (output option, input option) pairs that are meant to (train's --model over its --resume).
    /// </summary>
    public static void CheckNoInputOverwritten((string Option, string Path)[] outputs, (string Option, string Path)[] inputs, params (string Output, string Input)[] mayReplace)
    {
        foreach (var output in outputs)
        {
            foreach (var input in inputs)
            {
                if (!mayReplace.Contains((output.Option, input.Option)) && Of(output.Path) == Of(input.Path))
                {
                    string spelled = output.Path == input.Path ? "" : $" (as '{input.Path}')";
                    throw new UsageException($"{output.Option} '{output.Path}' is the file {input.Option} reads{spelled}: an output never overwrites an input; give {output.Option} another path");
                }
            }
        }
    }

    private static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        if (FileFacts.Stat(full) is { } file)
            return $"{file.Device}:{file.Inode}";
        string folder = Path.GetDirectoryName(full) ?? full;
        return FileFacts.Stat(folder) is { } parent
            ? $"{parent.Device}:{parent.Inode}/{Path.GetFileName(full)}"
            : full; // no stat here (not Linux): the full path is what can be compared
    }
}
