// g5 pca: top principal components of the standardised genotypes (plink2
// --pca meanimpute): eigenvectors, eigenvalues, variant loadings and the
// PC1/PC2 plot; given the loadings of an earlier run, the samples projected
// onto its axes instead (PREFIX.eigenvec and the plot only).
process G5_PCA {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(genotypes), path(genotype_index)
    tuple val(meta2), path(loadings)
    path labels

    output:
    tuple val(meta), path("*.eigenvec") , emit: eigenvec
    tuple val(meta), path("*.eigenval") , emit: eigenval , optional: true
    tuple val(meta), path("*.loadings") , emit: loadings , optional: true
    tuple val(meta), path("*.pca.png")  , emit: png
    tuple val(meta), path("*.pca.svg")  , emit: svg
    tuple val(meta), path("*.log")      , emit: log
    path "versions.yml"                 , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    g5 pca \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${task.memory ? "-m ${(task.memory.toMega() * 0.9).intValue()}M" : ''} \\
        ${loadings ? "--project ${loadings}" : ''} \\
        ${labels ? "--labels ${labels}" : ''} \\
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
    touch ${prefix}.eigenvec
    ${loadings ? '' : "touch ${prefix}.eigenval ${prefix}.loadings"}
    touch ${prefix}.pca.png ${prefix}.pca.svg
    touch ${prefix}.log

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
