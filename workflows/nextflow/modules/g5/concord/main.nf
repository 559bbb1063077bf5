// g5 concord: a call set against a truth set after normalisation (as
// bcftools norm -m -any): TP, FP, FN, genotype mismatches, precision, recall
// and F1 per type (PREFIX.concord.tsv), and the differing sites (PREFIX.diff.tsv).
process G5_CONCORD {
    tag "$meta.id"
    label 'process_low'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(truth, stageAs: "truth/*"), path(calls, stageAs: "calls/*")
    tuple val(meta2), path(fasta), path(fai)
    tuple val(meta3), path(regions)

    output:
    tuple val(meta), path("*.concord.tsv") , emit: summary
    tuple val(meta), path("*.diff.tsv")    , emit: diff
    path "versions.yml"                    , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    g5 concord \\
        $args \\
        -@ ${task.cpus - 1} \\
        -f ${fasta} \\
        ${regions ? "-R ${regions}" : ''} \\
        -o ${prefix}.diff.tsv \\
        $truth \\
        $calls \\
        > ${prefix}.concord.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.concord.tsv
    touch ${prefix}.diff.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
