// g5 meta: meta-analysis of studies' summary statistics (GWAS-SSF as g5 assoc
// writes it, plink2 --glm, REGENIE), alleles aligned; GWAS-SSF out with its
// index and sidecar, Manhattan and QQ plots, and a log.  The studies' YAML
// sidecars, when given, are staged beside them (g5 meta reads the assembly
// and trait from them).
process G5_META {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(sumstats), path(sidecars)

    output:
    tuple val(meta), path("*.tsv.gz")             , emit: sumstats
    tuple val(meta), path("*.tsv.gz.tbi")         , emit: tbi
    tuple val(meta), path("*.tsv.gz-meta.yaml")   , emit: yaml
    tuple val(meta), path("*.{manhattan,qq}.png") , emit: png
    tuple val(meta), path("*.{manhattan,qq}.svg") , emit: svg
    tuple val(meta), path("*.log")                , emit: log
    path "versions.yml"                           , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def files  = sumstats instanceof Path ? [sumstats] : sumstats.collect { it }
    if (files.any { "${it}" == "${prefix}.tsv.gz" }) error "G5_META: an input is named ${prefix}.tsv.gz, the output: set task.ext.prefix"
    """
    g5 meta \\
        $args \\
        -@ ${task.cpus - 1} \\
        -o ${prefix} \\
        $sumstats

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo '' | gzip > ${prefix}.tsv.gz
    touch ${prefix}.tsv.gz.tbi
    touch ${prefix}.tsv.gz-meta.yaml
    touch ${prefix}.manhattan.png ${prefix}.qq.png
    touch ${prefix}.manhattan.svg ${prefix}.qq.svg
    touch ${prefix}.log

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
