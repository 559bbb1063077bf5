// g5 stats: the numbers of samtools flagstat and the SN section of samtools
// stats in one pass.  The report's kind follows task.ext.args: the default
// samtools-stats layout (PREFIX.stats), --flagstat (PREFIX.flagstat) or --tsv
// (PREFIX.stats.tsv); MultiQC reads the first two.
process G5_STATS {
    tag "$meta.id"
    label 'process_low'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(input)
    tuple val(meta2), path(fasta)

    output:
    tuple val(meta), path("*.{stats,flagstat,stats.tsv}") , emit: stats
    path "versions.yml"                                   , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args.contains('--flagstat') ? 'flagstat' : args.contains('--tsv') ? 'stats.tsv' : 'stats'
    """
    g5 stats \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${fasta ? "-f ${fasta}" : ''} \\
        -o ${prefix}.${extension} \\
        $input

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args.contains('--flagstat') ? 'flagstat' : args.contains('--tsv') ? 'stats.tsv' : 'stats'
    """
    touch ${prefix}.${extension}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
