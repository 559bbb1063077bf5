// g5 joint: genotype a cohort from its samples' gVCFs (g5, bcftools, GATK,
// DeepVariant; a merged gVCF of an earlier run counts as one input).  With
// write_gvcf, also the merged gVCF (merged/PREFIX.g.vcf.gz) that the next
// batch is added to (N+1) without reading these inputs again.
process G5_JOINT {
    tag "$meta.id"
    label 'process_high'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(gvcfs), path(indexes)
    tuple val(meta2), path(fasta), path(fai)
    tuple val(meta3), path(regions)
    val write_gvcf

    output:
    tuple val(meta), path("*.{vcf.gz,bcf}")           , emit: vcf
    tuple val(meta), path("*.tbi")                    , emit: tbi         , optional: true
    tuple val(meta), path("*.csi")                    , emit: csi         , optional: true
    tuple val(meta), path("merged/*.g.vcf.gz")        , emit: gvcf        , optional: true
    tuple val(meta), path("merged/*.g.vcf.gz.tbi")    , emit: gvcf_tbi    , optional: true
    path "versions.yml"                               , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args =~ /(-O|--output-fmt)[ =]?(b|bcf)\b/ ? 'bcf' : 'vcf.gz'
    def files     = gvcfs instanceof Path ? [gvcfs] : gvcfs.collect { it }
    // The inputs go in a list file (-l): a cohort's thousands of names would
    // not fit on one command line.
    """
    printf '%s\\n' ${files.join(' ')} > ${prefix}.gvcfs.txt
    ${write_gvcf ? 'mkdir -p merged' : ''}

    g5 joint \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${task.memory ? "-m ${(task.memory.toMega() * 0.9).intValue()}M" : ''} \\
        -f ${fasta} \\
        ${regions ? "-R ${regions}" : ''} \\
        -l ${prefix}.gvcfs.txt \\
        ${write_gvcf ? "--gvcf-out merged/${prefix}.g.vcf.gz" : ''} \\
        --write-index \\
        -o ${prefix}.${extension}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args =~ /(-O|--output-fmt)[ =]?(b|bcf)\b/ ? 'bcf' : 'vcf.gz'
    """
    echo '' | gzip > ${prefix}.${extension}
    ${extension == 'bcf' ? "touch ${prefix}.bcf.csi" : "touch ${prefix}.vcf.gz.tbi"}
    ${write_gvcf ? "mkdir -p merged && echo '' | gzip > merged/${prefix}.g.vcf.gz && touch merged/${prefix}.g.vcf.gz.tbi" : ''}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
