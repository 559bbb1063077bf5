// g5 kin: KING-robust kinship of every pair of samples (plink2
// --make-king-table), the degree of relationship, and the fewest samples to
// drop to leave no close relatives (PREFIX.exclude.id).
process G5_KIN {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(genotypes), path(genotype_index)
    path within

    output:
    tuple val(meta), path("*.kin0")       , emit: kin0
    tuple val(meta), path("*.exclude.id") , emit: exclude
    tuple val(meta), path("*.log")        , emit: log
    path "versions.yml"                   , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    g5 kin \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${task.memory ? "-m ${(task.memory.toMega() * 0.9).intValue()}M" : ''} \\
        ${within ? "--within ${within}" : ''} \\
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
    touch ${prefix}.kin0
    touch ${prefix}.exclude.id
    touch ${prefix}.log

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
