// g5 sampleqc: per sample call rate, heterozygosity and F (plink2 --het),
// Ts/Tv, sex from X homozygosity and Y calls against the declared sex, F
// outliers; a MultiQC table.
process G5_SAMPLEQC {
    tag "$meta.id"
    label 'process_low'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(genotypes), path(genotype_index)
    path sex

    output:
    tuple val(meta), path("*.sampleqc.tsv")     , emit: tsv
    tuple val(meta), path("*.sampleqc_mqc.tsv") , emit: mqc
    tuple val(meta), path("*.log")              , emit: log
    path "versions.yml"                         , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    g5 sampleqc \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${sex ? "--sex ${sex}" : ''} \\
        -o ${prefix} \\
        $genotypes

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.sampleqc.tsv
    touch ${prefix}.sampleqc_mqc.tsv
    touch ${prefix}.log

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
