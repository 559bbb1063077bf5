// g5 call: SNVs and indels from indexed BAM/CRAM files, jointly across the
// files given; with --gvcf in task.ext.args, one sample's gVCF for g5 joint
// (PREFIX.g.vcf.gz).  The sexes (g5 coverage's PREFIX.sex.tsv, one or more)
// and a ploidy file make X and Y haploid where they should be.
process G5_CALL {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(input), path(index), path(sex)
    tuple val(meta2), path(fasta), path(fai)
    tuple val(meta3), path(regions)
    tuple val(meta4), path(ploidy)

    output:
    tuple val(meta), path("*.{vcf.gz,vcf,bcf}") , emit: vcf
    tuple val(meta), path("*.tbi")              , emit: tbi , optional: true
    tuple val(meta), path("*.csi")              , emit: csi , optional: true
    path "versions.yml"                         , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def format    = args =~ /(-O|--output-fmt)[ =]?(b|bcf)\b/ ? 'bcf' :
                    args =~ /(-O|--output-fmt)[ =]?(v|vcf)(\s|$)/ ? 'vcf' : 'vcf.gz'
    def extension = (args.contains('--gvcf') ? 'g.' : '') + format
    // several samples' sex files are read as one
    def sexes     = sex ? "${prefix}.sexes.tsv" : ''
    """
    ${sex ? "cat ${sex} > ${sexes}" : ''}

    g5 call \\
        $args \\
        -@ ${task.cpus - 1} \\
        -f ${fasta} \\
        ${regions ? "-R ${regions}" : ''} \\
        ${ploidy ? "--ploidy-file ${ploidy}" : ''} \\
        ${sex ? "--sex ${sexes}" : ''} \\
        ${format != 'vcf' ? '--write-index' : ''} \\
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
    def format    = args =~ /(-O|--output-fmt)[ =]?(b|bcf)\b/ ? 'bcf' :
                    args =~ /(-O|--output-fmt)[ =]?(v|vcf)(\s|$)/ ? 'vcf' : 'vcf.gz'
    def extension = (args.contains('--gvcf') ? 'g.' : '') + format
    """
    ${format == 'vcf' ? "touch ${prefix}.${extension}" : "echo '' | gzip > ${prefix}.${extension}"}
    ${format == 'vcf.gz' ? "touch ${prefix}.${extension}.tbi" : ''}
    ${format == 'bcf' ? "touch ${prefix}.${extension}.csi" : ''}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
